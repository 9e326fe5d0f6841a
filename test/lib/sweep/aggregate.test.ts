import { describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sweepTables, collectRuns, formatAggregate } from '../../../lib/sweep/aggregate.ts';
import { checkGrid } from '../../../lib/sweep/grid.ts';
import { planSweep } from '../../../lib/sweep/plan.ts';
import { metricChart } from '../../../lib/sweep/plots.ts';
import { aggregateSweep } from '../../../lib/sweep/results.ts';
import { writeFakeRun } from '../report/fixture.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { fakeExperiments } from './fake-experiments.ts';

/** A planned 2 lr x 2 seeds sweep (scheme fixed) whose runs are hand-made with known test losses. */
async function fakeSweep(losses: Record<string, number[]>) {
  const dir = join(await tempDir(), 'sweep');
  const grid = checkGrid({
    script: 'vae-mnist',
    flags: { scheme: 'replace', generations: 2 },
    grid: { lr: [0.001, 0.01], seed: [0, 1] },
  });
  const { plan } = await planSweep({ dir, grid, gridFile: 'g.json', experiments: fakeExperiments });
  for (const t of plan.tasks) {
    const values = losses[`${t.settings.lr} ${t.settings.seed}`];
    if (values)
      await writeFakeRun(join(dir, t.runs[0].dir), {
        seed: t.settings.seed as number,
        generations: values.map((testLoss) => ({ testLoss })),
        analysis: false,
      });
  }
  return { dir, plan };
}

describe('aggregating a sweep', () => {
  it('gives a long summary and per-setting mean, sd and 95% t interval, seeds pooled', async () => {
    const { dir, plan } = await fakeSweep({
      '0.001 0': [10, 20],
      '0.001 1': [12, 40],
      '0.01 0': [5, 6],
      '0.01 1': [7],
    });
    const { results, missing } = await collectRuns(dir, plan);
    expect(missing).toEqual([]);
    const tables = sweepTables(plan, results);
    expect(tables.summary.columns.slice(0, 6)).toEqual(['task', 'script', 'lr', 'scheme', 'seed', 'generation']);
    expect(tables.summary.columns).toContain('seconds');
    expect(tables.summary.rows).toHaveLength(7);
    expect(tables.summary.rows[3]).toMatchObject({
      task: 1,
      script: 'vae-mnist',
      lr: 0.001,
      scheme: 'replace',
      seed: 1,
      generation: 2,
      testLoss: 40,
    });
    // Wall-clock and bookkeeping fields are not results: not aggregated.
    expect(tables.metrics).toEqual(['trainLoss', 'testLoss', 'testRecon', 'testKl']);
    expect(tables.aggregate.columns).toEqual([
      'lr',
      'scheme',
      'generation',
      'metric',
      'n',
      'mean',
      'sd',
      'ci95Low',
      'ci95High',
    ]);
    const loss = tables.aggregate.rows.filter((r) => r.metric === 'testLoss');
    const t1 = 12.706204736174694;
    expect(loss.map((r) => [r.lr, r.generation, r.n, r.mean])).toEqual([
      [0.001, 1, 2, 11],
      [0.001, 2, 2, 30],
      [0.01, 1, 2, 6],
      [0.01, 2, 1, 6],
    ]);
    expect(loss[1].sd).toBeCloseTo(Math.sqrt(200), 12);
    expect(loss[1].ci95Low).toBeCloseTo(30 - 10 * t1, 9);
    expect(loss[1].ci95High).toBeCloseTo(30 + 10 * t1, 9);
    // One seed reached generation 2 of lr 0.01: no spread, empty cells.
    expect([loss[3].sd, loss[3].ci95Low, loss[3].ci95High]).toEqual(['', '', '']);
    expect(formatAggregate(tables, 'testLoss')).toMatch(
      /^testLoss: mean over seeds and 95% confidence interval of the mean \(Student's t\)\nlr\s+scheme\s+gen\s+n\s+mean/,
    );
    // A line per setting with its band where there is one.
    const chart = metricChart(tables, 'testLoss');
    expect(chart.series.map((s) => s.name)).toEqual(['lr=0.001 replace', 'lr=0.01 replace']);
    expect(chart.series[1].band!.hi[1]).toBeNaN();
  });

  it('writes the CSVs at full precision, a chart per metric and the sweep page; runs not started are left out', async () => {
    const { dir } = await fakeSweep({ '0.001 0': [10.123456789012345, 20], '0.001 1': [12, 40] });
    const result = await aggregateSweep({ dir, runsReport: false });
    expect(result.missing.map((m) => m.task.index)).toEqual([2, 3]);
    const rows = parse(await readFile(join(dir, 'aggregate.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    const first = rows.find((r) => r.metric === 'testLoss' && r.generation === '1')!;
    expect(Number(first.mean)).toBe((10.123456789012345 + 12) / 2);
    expect(first.n).toBe('2');
    const summary = parse(await readFile(join(dir, 'summary.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(Number(summary[0].testLoss)).toBe(10.123456789012345);
    for (const m of result.tables.metrics)
      expect((await stat(join(dir, 'plots', `${m}.png`))).size).toBeGreaterThan(1000);
    const page = await readFile(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('95% confidence interval');
    expect(page).toContain('src="plots/testLoss.png"');
    expect((page.match(/<tr data-task=/g) ?? []).length).toBe(4);
    expect(page).toMatch(/data-task="2" data-state="pending"/);
  });

  it("never replaces a sweep page or a chart of the user's: stops before writing anything", async () => {
    const { dir } = await fakeSweep({ '0.001 0': [10, 20], '0.001 1': [12, 40] });
    await writeFile(join(dir, 'report.html'), '<html>my page</html>');
    await expect(aggregateSweep({ dir, runsReport: false, plots: false })).rejects.toThrow(
      /report\.html has no collapse-lab generator tag/,
    );
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toBe('<html>my page</html>');
    expect(await stat(join(dir, 'summary.csv')).catch(() => null)).toBeNull();
    await writeFile(
      join(dir, 'report.html'),
      '<html><head><meta name="generator" content="collapse-lab report"></head></html>',
    );
    await mkdir(join(dir, 'plots'));
    await writeFile(join(dir, 'plots', 'testLoss.png'), 'my chart');
    await writeFile(join(dir, 'plots', 'notes.txt'), 'mine');
    await expect(aggregateSweep({ dir, runsReport: false })).rejects.toThrow(
      /plots\/testLoss\.png is not a file the report wrote/,
    );
    expect(await readFile(join(dir, 'plots', 'testLoss.png'), 'utf8')).toBe('my chart');
    await rename(join(dir, 'plots', 'testLoss.png'), join(dir, 'plots', 'my-chart.png'));
    await aggregateSweep({ dir, runsReport: false });
    // The user's files stay; the charts are the sweep's own now, and the page is rewritten.
    expect((await readdir(join(dir, 'plots'))).filter((n) => !n.startsWith('.'))).toEqual(
      expect.arrayContaining(['my-chart.png', 'notes.txt', 'testLoss.png', 'testLoss.svg']),
    );
    expect(await readFile(join(dir, 'plots', 'my-chart.png'), 'utf8')).toBe('my chart');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('src="plots/testLoss.png"');
  });

  it('says so when no run has a complete generation', async () => {
    const { dir } = await fakeSweep({});
    await expect(aggregateSweep({ dir })).rejects.toThrow(/has no run with a complete generation yet/);
  });
});
