import { describe, expect, it } from 'vitest';
import { basel } from '../../../lib/theory/common.ts';
import { createRng } from '../../../lib/rng.ts';
import { expectNear } from './near.ts';
import { poissonDraw, poissonFisher, poissonSimulator, simulatePoisson } from '../../../lib/theory/poisson.ts';
import type { PoissonOptions } from '../../../lib/theory/poisson.ts';

const run = (o: PoissonOptions) => simulatePoisson({ workers: 1, ...o });

describe('theory/poisson', () => {
  it('draws Poisson counts: mean and variance equal the rate', () => {
    const rng = createRng(3);
    for (const rate of [0.2, 4, 30]) {
      const n = 20000;
      const v = Array.from({ length: n }, () => poissonDraw(rng, rate));
      const mean = v.reduce((a, b) => a + b, 0) / n;
      const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - rate)).toBeLessThan(4 * Math.sqrt(rate / n));
      expect(Math.abs(variance / rate - 1)).toBeLessThan(0.05);
    }
    expect(() => poissonDraw(rng, 1e4)).toThrow(
      'A Poisson rate of 10000 is too large to draw; expected at most 700 (lower signal).',
    );
  });

  it('Fisher information per row e^{s²/2}(I + θθᵀ): 1 at θ0 = 0', () => {
    expect(poissonFisher(0)).toEqual({ a: 1, b: 1 });
    expect(poissonFisher(1).b / poissonFisher(1).a).toBeCloseTo(2, 14);
  });

  it('approaches d/T at generation 1 and, under accumulate, Σ 1/i² (below π²/6); replace grows like k', async () => {
    const o = { d: 3, T: 400, generations: 4, trials: 600 };
    const [acc, rep] = await Promise.all([run({ ...o, scheme: 'accumulate' }), run({ ...o, scheme: 'replace' })]);
    expectNear(acc.testError.sim[0], acc.testError.se[0], 3 / 400, 4, 0.12);
    expectNear(acc.varianceRatio.sim[3], acc.varianceRatio.se[3], basel(4), 4, 0.1);
    expect(acc.varianceRatio.sim[3]).toBeLessThan(Math.PI ** 2 / 6);
    expectNear(rep.varianceRatio.sim[3], rep.varianceRatio.se[3], 4, 4, 0.15);
    expect(acc.unconverged).toEqual([0, 0, 0, 0]);
  });

  it('prints the shared fields, its own and the theory arrays', async () => {
    const j = poissonSimulator.json(await run({ scheme: 'sub', d: 2, T: 30, generations: 2, trials: 10 }));
    expect(Object.keys(j).slice(0, 9)).toEqual([
      'experiment',
      'scheme',
      'd',
      'T',
      'signal',
      'maxIterations',
      'generations',
      'trials',
      'seed',
    ]);
    expect(j.theory).toEqual([null, null]);
    await expect(run({ d: 4, T: 4 })).rejects.toThrow(
      'T must be more than d = 4 for the maximum-likelihood fit to exist; got 4.',
    );
  });
});
