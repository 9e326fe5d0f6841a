import { beforeAll, describe, expect, it } from 'vitest';
import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { defaultReportPath, writeReport } from '../../../lib/report/html.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

let root: string;
let dirs: string[];
beforeAll(async () => {
  root = await tempDir('collapse lab <report> ');
  dirs = [
    await writeFakeRun(join(root, 'exp', 'replace'), { generations: [{ fid: 5 }, { fid: 9 }, { fid: 14 }] }),
    await writeFakeRun(join(root, 'exp', 'accumulate'), { scheme: 'accumulate', generations: [{ fid: 5 }, { fid: 6 }] }),
  ];
});

const srcs = (html: string) => [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

describe('writeReport', () => {
  it('writes a page whose every picture is a relative link to a file that exists', async () => {
    const r = await writeReport({ runs: dirs, curves: false });
    expect(r.path).toBe(join(root, 'exp', 'report.html'));
    const html = await readFile(r.path, 'utf8');
    const links = srcs(html);
    // 2 Figure-9 grids + 2 fixed-draw grids + (3 + 2) generations x (samples + fixed draws).
    expect(links).toHaveLength(2 + 2 + 5 * 2);
    for (const s of links) {
      expect(s).not.toMatch(/^(\/|[a-z]+:)/);
      await access(resolve(dirname(r.path), decodeURIComponent(s)));
    }
    expect(html).not.toMatch(/https?:\/\/(?!vega)/);
  });

  it('has a records table per run with a row per generation', async () => {
    const html = await readFile((await writeReport({ runs: dirs, curves: false })).path, 'utf8');
    const tables = [...html.matchAll(/<table class="records" data-run="([^"]+)">([\s\S]*?)<\/table>/g)];
    expect(tables.map((t) => t[1])).toEqual(['vae replace (seed 0)', 'vae accumulate (seed 0)']);
    expect(tables.map((t) => (t[2].match(/<tr data-generation=/g) ?? []).length)).toEqual([3, 2]);
    expect(tables[0][2]).toMatch(/<th>FID<\/th>/);
  });

  it('escapes what it shows and lists the curves it drew', async () => {
    const r = await writeReport({ runs: dirs, out: join(root, 'my <page>.html'), title: 'A & B' });
    const html = await readFile(r.path, 'utf8');
    expect(html).toMatch(/<title>A &amp; B<\/title>/);
    expect(html).toMatch(/id="chart-vae-test-loss"/);
    for (const s of srcs(html)) await access(resolve(dirname(r.path), decodeURIComponent(s)));
  });

  it('keeps only its own pictures in its folder', async () => {
    const out = join(root, 'again.html');
    await writeReport({ runs: dirs, out });
    expect((await readdir(join(root, 'again-files'))).filter((n) => n.endsWith('.svg')).length).toBeGreaterThan(0);
    await writeReport({ runs: dirs.slice(0, 1), out, curves: false });
    expect((await readdir(join(root, 'again-files'))).sort()).toEqual(['01-vae-replace-seed-0-fixed-samples.png', '01-vae-replace-seed-0-reconstructions.png']);
  });

  it('defaults to report.html in the run, or in the runs\' common folder', () => {
    expect(defaultReportPath(['/a/b/run'])).toBe('/a/b/run/report.html');
    expect(defaultReportPath(['/a/b/x', '/a/b/y'])).toBe('/a/b/report.html');
    expect(defaultReportPath(['/a/b/x', '/a/c/y/z'])).toBe('/a/report.html');
  });

  it('refuses a path that is not .html', async () => {
    await expect(writeReport({ runs: dirs, out: join(root, 'x.txt') })).rejects.toThrow(/must end in .html/);
  });
});

describe('records tables', () => {
  it('leave out the columns a model family does not have (an autoencoder: test recon = test loss, no KL)', async () => {
    const dir = await writeFakeRun(join(root, 'family', 'ae'), { kind: 'ae', generations: [{}, {}] });
    const vae = await writeFakeRun(join(root, 'family', 'vae'), { generations: [{}, {}] });
    const html = await readFile((await writeReport({ runs: [dir, vae], curves: false })).path, 'utf8');
    const heads = (label: string) => {
      const table = new RegExp(`<table class="records" data-run="${label}"><thead><tr>(.*?)</tr>`).exec(html)![1];
      return [...table.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]);
    };
    expect(heads('ae replace \\(seed 0\\)')).not.toContain('test KL');
    expect(heads('ae replace \\(seed 0\\)')).not.toContain('test recon');
    expect(heads('ae replace \\(seed 0\\)')).toContain('test loss');
    expect(heads('vae replace \\(seed 0\\)')).toEqual(expect.arrayContaining(['test loss', 'test recon', 'test KL']));
  });
});
