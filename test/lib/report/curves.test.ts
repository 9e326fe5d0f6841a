import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { baselineValue, curvePoints, seriesNamer } from '../../../lib/report/curves.ts';
import { curveChart, renderCurves } from '../../../lib/report/charts.ts';
import { lineChartSpec } from '../../../lib/report/plot.ts';
import { loadRuns } from '../../../lib/report/runs.ts';
import type { RunSummary } from '../../../lib/report/runs.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

let runs: RunSummary[];
beforeAll(async () => {
  const root = await tempDir();
  runs = await loadRuns([
    await writeFakeRun(join(root, 's0', 'replace'), { seed: 0, generations: [{ fid: 10 }, { fid: 20 }, { fid: 30 }] }),
    await writeFakeRun(join(root, 's1', 'replace'), { seed: 1, generations: [{ fid: 12 }, { fid: 40 }] }),
    await writeFakeRun(join(root, 's0', 'accumulate'), {
      scheme: 'accumulate',
      generations: [
        { fid: 10, trainLossReal: 98 },
        { fid: 11, trainLossReal: 97, trainLossSynthetic: 110 },
        { fid: 12, trainLossReal: 96, trainLossSynthetic: 111 },
      ],
    }),
    await writeFakeRun(join(root, 's0', 'ae-replace'), {
      kind: 'ae',
      generations: [{ latentStd: 3 }, { latentStd: 2 }],
      analysis: false,
    }),
  ]);
});

describe('curves', () => {
  it("averages seeds per generation with the 95% confidence interval of the mean (Student's t) as the band", () => {
    const pts = curvePoints(runs.slice(0, 3), 'fid', seriesNamer(runs.slice(0, 3), false));
    const rep = pts.filter((p) => p.series === 'replace');
    // Two seeds: mean ± t(0.975, 1) · sd / √2, t(0.975, 1) = 12.7062; one seed: no band.
    const t1 = 12.706204736174694;
    expect(rep.map((p) => [p.generation, p.mean, p.seeds])).toEqual([
      [1, 11, 2],
      [2, 30, 2],
      [3, 30, 1],
    ]);
    expect(rep[0].lo).toBeCloseTo(11 - t1, 9);
    expect(rep[0].hi).toBeCloseTo(11 + t1, 9);
    expect(rep[1].lo).toBeCloseTo(30 - 10 * t1, 9);
    expect(rep[1].hi).toBeCloseTo(30 + 10 * t1, 9);
    expect([rep[2].lo, rep[2].hi]).toEqual([30, 30]);
    expect(pts.filter((p) => p.series === 'accumulate').map((p) => p.mean)).toEqual([10, 11, 12]);
  });

  it('skips runs without the field and names series with the model family when asked', () => {
    const pts = curvePoints(runs, 'fid', seriesNamer(runs, true));
    expect(new Set(pts.map((p) => p.series))).toEqual(new Set(['vae replace', 'vae accumulate']));
  });

  it('reads the real-data baseline from analysis.json', () => {
    expect(baselineValue(runs, 'recall')).toBeCloseTo(0.8, 12);
    expect(baselineValue(runs.slice(3), 'recall')).toBeNull();
  });

  it('draws a band only when several seeds meet, and the baseline as a dashed line', () => {
    const one = curveChart({
      title: 't',
      yLabel: 'y',
      points: [
        { generation: 1, series: 'a', mean: 1, lo: 1, hi: 1, seeds: 1 },
        { generation: 3, series: 'a', mean: 2, lo: 2, hi: 2, seeds: 1 },
      ],
      baseline: 0.5,
    });
    expect(one.series).toEqual([
      { name: 'a', x: [1, 3], y: [1, 2] },
      { name: 'real data', x: [1, 3], y: [0.5, 0.5], dashed: true, color: '#888888' },
    ]);
    // Generations are whole numbers: no 1.5 on the axis.
    const spec = lineChartSpec(one) as unknown as {
      layer: { encoding: { x: { axis?: { format: string; tickMinStep: number } } } }[];
    };
    expect(spec.layer.map((l) => l.encoding.x.axis)).toEqual([
      { tickMinStep: 1, format: 'd' },
      { tickMinStep: 1, format: 'd' },
    ]);
    const two = curveChart({
      title: 't',
      yLabel: 'y',
      points: [{ generation: 1, series: 'a', mean: 1, lo: 0, hi: 2, seeds: 2 }],
    });
    expect(two.series).toEqual([{ name: 'a', x: [1], y: [1], band: { lo: [0], hi: [2] } }]);
  });

  it('renders one chart per field present (losses per model family) as SVG and PNG', async () => {
    const charts = await renderCurves(runs);
    const names = charts.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['vae-train-loss', 'vae-test-loss', 'ae-train-loss', 'ae-test-loss', 'fid']),
    );
    expect(names).not.toContain('recall'); // no run has recall
    // The two sources of the training loss, beside it, per family (only the VAE runs have them).
    expect(names.slice(0, 4)).toEqual([
      'vae-train-loss',
      'ae-train-loss',
      'vae-train-loss-real',
      'vae-train-loss-synthetic',
    ]);
    expect(
      curvePoints(runs, 'trainLossSynthetic', seriesNamer(runs, false)).map((p) => [p.generation, p.mean]),
    ).toEqual([
      [2, 110],
      [3, 111],
    ]);
    // Latent spreads of different families live in different spaces: one chart per family.
    expect(names.filter((n) => n.includes('latent-std'))).toEqual(['ae-latent-std']);
    for (const c of charts) {
      expect(c.svg.startsWith('<svg')).toBe(true);
      expect(Array.from(c.png.subarray(1, 4), (b) => String.fromCharCode(b)).join('')).toBe('PNG');
      expect(c.width).toBeGreaterThan(100);
    }
    const fid = charts.find((c) => c.name === 'fid')!;
    expect(fid.caption).toMatch(/band: 95% confidence interval of the mean \(Student's t\)/);
    expect(fid.svg).toMatch(/real data/);
  });
});
