import { beforeAll, describe, expect, it } from 'vitest';
import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { defaultReportPath, writeReport } from '../../../lib/report/html.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

let root: string;
let dirs: string[];
beforeAll(async () => {
  root = await tempDir('collapse lab <report> ');
  dirs = [
    await writeFakeRun(join(root, 'exp', 'replace'), { generations: [{ fid: 5 }, { fid: 9 }, { fid: 14 }] }),
    await writeFakeRun(join(root, 'exp', 'accumulate'), {
      scheme: 'accumulate',
      generations: [{ fid: 5 }, { fid: 6 }],
    }),
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
    // The records and steps as CSV, linked from the page: a row per generation of each run (3 + 2).
    const csv = [...html.matchAll(/<a href="([^"]+\.csv)">/g)].map((m) =>
      resolve(dirname(r.path), decodeURIComponent(m[1])),
    );
    expect(csv.map((p) => basename(p))).toEqual(['generations.csv', 'steps.csv']);
    expect((await readFile(csv[0], 'utf8')).trim().split('\n')).toHaveLength(1 + 3 + 2);
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
    await writeFile(join(root, 'again-files', 'notes.txt'), 'mine\n');
    await writeReport({ runs: dirs.slice(0, 1), out, curves: false });
    // Its pictures of the earlier report are gone; the list of its files and the user's notes stay.
    expect((await readdir(join(root, 'again-files'))).sort()).toEqual([
      '.collapse-lab-report-files.json',
      '01-vae-replace-seed-0-fixed-samples.png',
      '01-vae-replace-seed-0-reconstructions.png',
      'generations.csv',
      'notes.txt',
      'steps.csv',
    ]);
    expect(await readFile(join(root, 'again-files', 'notes.txt'), 'utf8')).toBe('mine\n');
    const list = JSON.parse(await readFile(join(root, 'again-files', '.collapse-lab-report-files.json'), 'utf8'));
    expect(Object.keys(list.files).sort()).toEqual([
      '01-vae-replace-seed-0-fixed-samples.png',
      '01-vae-replace-seed-0-reconstructions.png',
      'generations.csv',
      'steps.csv',
    ]);
  });

  it('carries a generator tag, and never replaces a page or a picture that is not its own', async () => {
    const out = join(root, 'mine', 'report.html');
    await mkdir(join(root, 'mine', 'report-files'), { recursive: true });
    await writeFile(out, '<html>my page</html>\n');
    await expect(writeReport({ runs: dirs, out, curves: false })).rejects.toThrow(
      /mine\/report\.html has no collapse-lab generator tag \(a page of your own\?\)/,
    );
    expect(await readFile(out, 'utf8')).toBe('<html>my page</html>\n');
    expect(await readdir(join(root, 'mine', 'report-files'))).toEqual([]);
    await rm(out);
    // A picture of the user's where a curve goes.
    await writeFile(join(root, 'mine', 'report-files', 'vae-test-loss.png'), 'mine\n');
    await expect(writeReport({ runs: dirs, out })).rejects.toThrow(
      /report-files\/vae-test-loss\.png is not a file the report wrote \(or was changed since\)/,
    );
    expect(await readFile(join(root, 'mine', 'report-files', 'vae-test-loss.png'), 'utf8')).toBe('mine\n');
    await expect(access(out)).rejects.toThrow();
    // Its own page and pictures it replaces; one of its pictures the user changed since is the user's.
    await rm(join(root, 'mine', 'report-files', 'vae-test-loss.png'));
    const first = await writeReport({ runs: dirs, out, curves: false });
    expect(await readFile(first.path, 'utf8')).toContain('<meta name="generator" content="collapse-lab report">');
    await writeReport({ runs: dirs, out, curves: false });
    await writeFile(join(root, 'mine', 'report-files', '01-vae-replace-seed-0-reconstructions.png'), 'edited\n');
    await expect(writeReport({ runs: dirs, out, curves: false })).rejects.toThrow(
      /01-vae-replace-seed-0-reconstructions\.png is not a file the report wrote \(or was changed since\)/,
    );
  });

  it('a report stopped while writing leaves names that are still its own', async () => {
    const out = join(root, 'stopped', 'report.html');
    await writeReport({ runs: dirs, out, curves: false });
    const folder = join(root, 'stopped', 'report-files');
    const listPath = join(folder, '.collapse-lab-report-files.json');
    // As a kill between a picture and the list leaves it: the name claimed (no hash yet), the bytes new.
    const list = JSON.parse(await readFile(listPath, 'utf8'));
    list.files['01-vae-replace-seed-0-reconstructions.png'] = null;
    await writeFile(listPath, JSON.stringify(list));
    await writeFile(join(folder, '01-vae-replace-seed-0-reconstructions.png'), 'half-new\n');
    await expect(writeReport({ runs: dirs, out, curves: false })).resolves.toMatchObject({ path: out });
  });

  it("defaults to report.html in the run, or in the runs' common folder", () => {
    expect(defaultReportPath(['/a/b/run'])).toBe('/a/b/run/report.html');
    expect(defaultReportPath(['/a/b/x', '/a/b/y'])).toBe('/a/b/report.html');
    expect(defaultReportPath(['/a/b/x', '/a/c/y/z'])).toBe('/a/report.html');
  });

  it('refuses a path that is not .html', async () => {
    await expect(writeReport({ runs: dirs, out: join(root, 'x.txt') })).rejects.toThrow(/must end in .html/);
  });

  it("refuses an empty out, and a page inside a run's generation folder (it would fail that generation's verification)", async () => {
    await expect(writeReport({ runs: dirs, out: '' })).rejects.toThrow(
      "out '' is empty; expected the path of an .html page (or none, for report.html beside the runs).",
    );
    const gen = join(dirs[0], 'gen-001');
    const before = (await readdir(gen)).sort();
    for (const out of [join(gen, 'report.html'), join(gen, 'pages', 'report.html')]) {
      await expect(writeReport({ runs: dirs, out })).rejects.toThrow(
        `out ${out} is inside ${gen}, a folder of a run that collapse-lab seals (a file added there makes it fail verification); ` +
          `expected a path outside the run's generation folders, e.g. ${join(dirs[0], 'report.html')}.`,
      );
    }
    expect((await readdir(gen)).sort()).toEqual(before);
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
