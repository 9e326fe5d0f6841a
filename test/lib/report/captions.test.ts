import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { describeCurves } from '../../../lib/report/captions.ts';
import { renderCurves } from '../../../lib/report/charts.ts';
import type { CurvePoint } from '../../../lib/report/curves.ts';
import { loadRuns } from '../../../lib/report/runs.ts';
import type { RunSummary } from '../../../lib/report/runs.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

const line = (series: string, values: number[], from = 1): CurvePoint[] =>
  values.map((mean, i) => ({ generation: from + i, series, mean, lo: mean, hi: mean, seeds: 1 }));
const testLoss = (values: number[]) => values.map((testLoss) => ({ testLoss }));

let collapse: RunSummary[];
let recovery: RunSummary[];
let mixOnly: RunSummary[];
beforeAll(async () => {
  const root = await tempDir();
  // The survey's picture: replace's test loss climbs, accumulate's holds.
  collapse = await loadRuns([
    await writeFakeRun(join(root, 'a', 'replace'), { generations: testLoss([130, 150, 170, 190]) }),
    await writeFakeRun(join(root, 'a', 'accumulate'), {
      scheme: 'accumulate',
      generations: testLoss([130, 128, 127, 126.9]),
    }),
  ]);
  // The other way round: accumulate's test loss falls a lot, replace's too (a small, undertrained run).
  recovery = await loadRuns([
    await writeFakeRun(join(root, 'b', 'replace'), { generations: testLoss([500, 480, 470]) }),
    await writeFakeRun(join(root, 'b', 'accumulate'), { scheme: 'accumulate', generations: testLoss([500, 300, 200]) }),
  ]);
  // An autoencoder under mix only: no replace, no accumulate to speak of.
  mixOnly = await loadRuns([
    await writeFakeRun(join(root, 'c', 'mix'), {
      kind: 'ae',
      scheme: 'mix-0.5',
      generations: testLoss([200, 205, 203]),
    }),
  ]);
});

const caption = async (runs: RunSummary[], name: string) =>
  (await renderCurves(runs)).find((c) => c.name === name)!.caption;

describe('chart captions describe the numbers drawn', () => {
  it('says which line rose and which fell, by how much, and whether at every generation', async () => {
    const c = await caption(collapse, 'vae-test-loss');
    expect(c).toBe(
      'Loss on the real held-out test set (survey Figs. 10b, 11b). Generation 1 → 4: replace 130 → 190 (+46%, up at every generation); accumulate 130 → 126.90 (−2.4%, down at every generation).',
    );
  });

  it('follows the data when it goes the other way (no fixed claim about replace and accumulate)', async () => {
    const c = await caption(recovery, 'vae-test-loss');
    expect(c).toContain('replace 500 → 470 (−6.0%, down at every generation)');
    expect(c).toContain('accumulate 500 → 200 (−60%, down at every generation)');
    expect(c).not.toMatch(/rises|slowly|fast/);
  });

  it('names only the schemes a run has (a mix-only autoencoder run)', async () => {
    const c = await caption(mixOnly, 'ae-test-loss');
    expect(c).toBe(
      'Loss on the real held-out test set (survey Figs. 10b, 11b). Generation 1 → 3: mix-0.5 200 → 203 (+1.5%).',
    );
    expect(c).not.toMatch(/replace|accumulate/);
  });

  it('handles level lines, zeros, tenfold growth, one generation and lines of different lengths', () => {
    expect(describeCurves(line('a', [100, 100.2, 100.1]))).toBe(
      'Generation 1 → 3: a 100 → 100.10 (about level, +0.10%).',
    );
    expect(describeCurves(line('a', [0, 0]))).toBe('Generation 1 → 2: a 0 → 0 (unchanged).');
    expect(describeCurves(line('a', [0, 0.25]))).toBe('Generation 1 → 2: a 0 → 0.2500 (+0.2500).');
    expect(describeCurves(line('a', [0.05, 0.5, 1.2]))).toBe(
      'Generation 1 → 3: a 0.0500 → 1.2000 (×24.0, up at every generation).',
    );
    expect(describeCurves(line('a', [7]))).toBe('Generation 1: a 7.');
    expect(describeCurves([...line('a', [1, 2, 3]), ...line('b', [4, 2])])).toBe(
      'a 1 (generation 1) → 3 (generation 3) (+200%, up at every generation); b 4 (generation 1) → 2 (generation 2) (−50%).',
    );
    expect(describeCurves([])).toBe('');
  });
});
