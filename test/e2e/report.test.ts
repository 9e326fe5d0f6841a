/**
 * The report page in real headless Chromium: two tiny runs (replace, accumulate) with the analysis,
 * scripts/report.ts as a user runs it, then the page opened from disk over the DevTools protocol.
 * Skips only when no Chromium can be found (bash .ci/chromium.sh installs Debian's package).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, rename } from 'node:fs/promises';
import { writeReport } from '../../lib/report/html.ts';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ImageSet } from '../../data/images.ts';
import { createCollapseAnalysis } from '../../lib/analysis.ts';
import { trainGenerations } from '../../lib/generations.ts';
import { trainClassifier } from '../../lib/metrics/classifier.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { writeFakeRun } from '../lib/report/fixture.ts';
import { tempDir } from '../helpers/tmp.ts';
import { evaluateAtWidth, findChromium, launch } from './report-chromium.ts';
import type { Browser } from './report-chromium.ts';

const chromium = findChromium();
const SKIP_REASON =
  'no Chromium found (tried $CHROMIUM, chromium, chromium-browser, google-chrome); run bash .ci/chromium.sh or set CHROMIUM';
if (!chromium) console.warn(`test/e2e/report.test.ts skipped: ${SKIP_REASON}.`);
const GENERATIONS = 3;

/** What the test asks the page: every image and its state, the records tables, outside links. */
const INSPECT = `(() => ({
  images: [...document.images].map((i) => ({ src: i.getAttribute('src'), complete: i.complete, width: i.naturalWidth })),
  tables: [...document.querySelectorAll('table.records')].map((t) => ({ run: t.dataset.run, rows: t.querySelectorAll('tbody tr').length })),
  external: [...document.querySelectorAll('[src], link[href]')].map((e) => e.getAttribute('src') ?? e.getAttribute('href')).filter((u) => /^[a-z]+:/i.test(u)),
  title: document.title,
}))()`;

interface Inspection {
  images: { src: string; complete: boolean; width: number }[];
  tables: { run: string; rows: number }[];
  external: string[];
  title: string;
}

describe.skipIf(!chromium)(`report.html in headless Chromium${chromium ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let root: string;
  let report: string;
  let browser: Browser;

  beforeAll(async () => {
    await useTestBackend();
    root = await tempDir();
    const data: { train: ImageSet; test: ImageSet } = await tinyMnist(200, 100);
    const classifier = await trainClassifier({ hidden: [32, 8], epochs: 1, batchSize: 50, maxShift: 0, ...data });
    const analysis = createCollapseAnalysis({
      model: tinyVae,
      classifier: async () => classifier,
      metricSamples: 60,
      fixedDraws: 20,
      batchSize: 50,
    });
    for (const scheme of ['replace', 'accumulate']) {
      await trainGenerations({
        model: tinyVae,
        data,
        scheme: parseScheme(scheme),
        generations: GENERATIONS,
        epochs: 1,
        batchSize: 50,
        syntheticSize: 100,
        seed: 5,
        runDir: join(root, 'exp', scheme),
        analyze: analysis.analyze,
      });
    }
    analysis.dispose();
    const r = await runCli('report', [join(root, 'exp')]);
    expect(r.stderr).toMatch(/Report of 2 runs/);
    expect(r.code).toBe(0);
    report = r.stdout.trim();
    browser = await launch(chromium!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads every image from disk, with a records row per generation and no network', async () => {
    expect(report).toBe(join(root, 'exp', 'report.html'));
    await browser.open(pathToFileURL(report).href);
    const page = await browser.evaluate<Inspection>(INSPECT);
    expect(page.title).toBe('collapse-lab report');
    // Figure-9 grids, fixed-draw grids, 9 curves (train loss and its real and synthetic parts, test
    // loss, 5 metrics), and samples + fixed draws per generation and run.
    expect(page.images.length).toBe(2 + 2 + 9 + 2 * GENERATIONS * 2);
    const broken = page.images.filter((i) => !i.complete || i.width === 0);
    expect(broken).toEqual([]);
    expect(page.tables).toEqual([
      { run: 'vae replace (seed 5)', rows: GENERATIONS },
      { run: 'vae accumulate (seed 5)', rows: GENERATIONS },
    ]);
    expect(page.external).toEqual([]);
    const failures = browser.events.filter(
      (e) => e.method === 'Network.loadingFailed' || e.method === 'Runtime.exceptionThrown',
    );
    expect(failures).toEqual([]);
    const shot = (await browser.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true })) as {
      data: string;
    };
    expect(Buffer.from(shot.data, 'base64').length).toBeGreaterThan(10_000);
    if (process.env.COLLAPSE_LAB_REPORT_SCREENSHOT) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(process.env.COLLAPSE_LAB_REPORT_SCREENSHOT, Buffer.from(shot.data, 'base64'));
    }
  });

  it('takes several run directories, and refuses a folder that is not a run in one sentence', async () => {
    const out = join(root, 'two.html');
    const r = await runCli('report', [
      join(root, 'exp', 'accumulate'),
      join(root, 'exp', 'replace'),
      '--out',
      out,
      '--no-curves',
    ]);
    expect(r.stderr).toMatch(
      /Report of 2 runs \(vae accumulate \(seed 5\): 3 generations; vae replace \(seed 5\): 3 generations\)/,
    );
    expect(r.stdout.trim()).toBe(out);
    const bad = await runCli('report', [join(root, 'exp', 'replace', 'gen-001')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^Error: .*holds no run.json and no run directories; expected a run directory made by collapse-lab/m,
    );
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fits five runs side by side in the window: no part of the page is wider than it', async () => {
    const five = [];
    for (const [i, scheme] of ['replace', 'accumulate', 'sub', 'sub-repl', 'mix-0.5'].entries()) {
      five.push(
        await writeFakeRun(join(root, 'five', `a-run-folder-with-a-long-name-${scheme}`), {
          kind: i < 3 ? 'vae' : 'ae',
          scheme,
          generations: [{ fid: 5 }, { fid: 6 + i }, { fid: 7 }],
        }),
      );
    }
    const { path } = await writeReport({ runs: five, curves: false });
    await browser.open(pathToFileURL(path).href);
    const size = await browser.evaluate<{ page: number; window: number; config: number; cells: number }>(`(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      config: document.querySelector('table.config').getBoundingClientRect().right,
      cells: document.querySelectorAll('table.config tr:first-child th').length,
    }))()`);
    expect(size.cells).toBe(6);
    expect(size.config).toBeLessThanOrEqual(size.window);
    expect(size.page).toBeLessThanOrEqual(size.window);
  });

  it('fits a window 1200 px wide with its curves (no sideways scroll), two charts a row', async () => {
    // On the tab open() makes: the page is laid out again at 1200 px.
    await browser.open(pathToFileURL(report).href);
    const size = await evaluateAtWidth<{ page: number; window: number; rows: number[] }>(
      browser,
      1200,
      `(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      rows: [...document.querySelectorAll('figure.chart')].map((f) => Math.round(f.getBoundingClientRect().top)),
    }))()`,
    );
    expect(size.window).toBe(1200);
    expect(size.page).toBeLessThanOrEqual(1200);
    // Nine charts, two a row: five rows.
    expect(new Set(size.rows).size).toBe(5);
  });

  it('notices a broken page: a missing picture is reported, not passed over', async () => {
    const moved = join(root, 'exp', 'replace', 'gen-002', 'samples.png');
    await rename(moved, `${moved}.away`);
    try {
      const before = browser.events.length;
      await browser.open(pathToFileURL(report).href);
      const page = await browser.evaluate<Inspection>(INSPECT);
      expect(page.images.filter((i) => i.width === 0).map((i) => i.src)).toEqual(['replace/gen-002/samples.png']);
      expect(browser.events.slice(before).some((e) => e.method === 'Network.loadingFailed')).toBe(true);
    } finally {
      await copyFile(`${moved}.away`, moved);
    }
  });
});
