/**
 * The sweep page in real headless Chromium at 1200 px: a planned 2 lr x 2 seeds sweep of hand-made
 * runs, aggregated, then opened from disk. Skips only when no Chromium can be found (bash
 * .ci/chromium.sh installs Debian's package).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkGrid } from '../../lib/sweep/grid.ts';
import { planSweep } from '../../lib/sweep/plan.ts';
import { aggregateSweep } from '../../lib/sweep/results.ts';
import { writeFakeRun } from '../lib/report/fixture.ts';
import { fakeExperiments } from '../lib/sweep/fake-experiments.ts';
import { tempDir } from '../helpers/tmp.ts';
import { evaluateAtWidth, findChromium, launch } from './report-chromium.ts';
import type { Browser } from './report-chromium.ts';

const chromium = findChromium();
const SKIP_REASON =
  'no Chromium found (tried $CHROMIUM, chromium, chromium-browser, google-chrome); run bash .ci/chromium.sh or set CHROMIUM';
if (!chromium) console.warn(`test/e2e/sweep-page.test.ts skipped: ${SKIP_REASON}.`);

describe.skipIf(!chromium)(`the sweep page in headless Chromium${chromium ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  let page: string;
  let browser: Browser;

  beforeAll(async () => {
    const dir = join(await tempDir(), 'sweep');
    const grid = checkGrid({
      script: 'vae-mnist',
      flags: { scheme: 'replace', generations: 3 },
      grid: { lr: [0.001, 0.01], seed: [0, 1] },
    });
    const { plan } = await planSweep({ dir, grid, gridFile: 'g.json', experiments: fakeExperiments });
    for (const [i, t] of plan.tasks.entries()) {
      const generations = [1, 2, 3].map((g) => ({ testLoss: 100 + 10 * g + i, trainLoss: 90 + 5 * g, fid: g + i }));
      await writeFakeRun(join(dir, t.runs[0].dir), { seed: t.settings.seed as number, generations, analysis: false });
    }
    page = (await aggregateSweep({ dir, runsReport: false })).page;
    browser = await launch(chromium!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('fits a window 1200 px wide (no sideways scroll), two charts a row, with words on the axes', async () => {
    await browser.open(pathToFileURL(page).href);
    type Size = { page: number; window: number; rows: number[]; widths: number[]; loaded: boolean[] };
    const size = await evaluateAtWidth<Size>(
      browser,
      1200,
      `(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
      rows: [...document.querySelectorAll('figure.chart')].map((f) => Math.round(f.getBoundingClientRect().top)),
      widths: [...document.querySelectorAll('figure.chart img')].map((i) => i.getBoundingClientRect().width),
      loaded: [...document.querySelectorAll('figure.chart img')].map((i) => i.complete && i.naturalWidth > 0),
    }))()`,
    );
    expect(size.window).toBe(1200);
    expect(size.page).toBeLessThanOrEqual(1200);
    expect(size.loaded.length).toBeGreaterThan(2);
    expect(size.loaded.every(Boolean)).toBe(true);
    // Scaled down from their 840 px pictures, at most the figure's max-width.
    for (const w of size.widths) expect(w).toBeLessThanOrEqual(640);
    // Two charts a row: each row's top is shared by two figures (the last may be alone).
    expect(new Set(size.rows).size).toBe(Math.ceil(size.rows.length / 2));
    const { readFile } = await import('node:fs/promises');
    const svg = await readFile(join(page, '..', 'plots', 'trainLoss.svg'), 'utf8');
    expect(svg).toContain('loss per image (nats)');
    expect(svg).not.toMatch(/>trainLoss</);
  });
});
