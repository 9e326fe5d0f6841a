import { describe, expect, it } from 'vitest';
import { basel } from '../../../lib/theory/common.ts';
import { expectNear } from './near.ts';
import { regressionSimulator, simulateRegression } from '../../../lib/theory/regression.ts';
import type { RegressionOptions } from '../../../lib/theory/regression.ts';

const run = (o: RegressionOptions) => simulateRegression({ workers: 1, ...o });

describe('theory/regression', () => {
  it('recovers w* exactly in every generation and scheme when there is no noise', async () => {
    for (const scheme of ['replace', 'accumulate', 'sub', 'sub-repl'] as const) {
      for (const design of ['fixed', 'fresh'] as const) {
        const r = await run({
          scheme,
          design,
          sigma: 0,
          d: 4,
          T: 12,
          generations: 4,
          trials: 5,
          covariance: [1, 2, 0.5, 3],
        });
        for (const e of r.testError.sim) expect(e).toBeLessThan(1e-20);
      }
    }
  });

  it('matches eq. (5) for replace: test error σ²d/(T-d-1)·k, variance ratio k', async () => {
    const r = await run({ scheme: 'replace', d: 5, T: 30, sigma: 2, generations: 5, trials: 3000 });
    const unit = (4 * 5) / (30 - 5 - 1);
    expect(r.testError.theory).toEqual([1, 2, 3, 4, 5].map((k) => unit * k));
    expectNear(r.testError.sim[4], r.testError.se[4], unit * 5, 4, 0.06);
    expectNear(r.varianceRatio.sim[4], r.varianceRatio.se[4], 5, 4, 0.06);
  });

  it('matches eq. (6) for accumulate: test error σ²d/(T-d-1)·Σ1/i², bounded by π²/6', async () => {
    const r = await run({ scheme: 'accumulate', d: 5, T: 30, generations: 6, trials: 3000 });
    const unit = 5 / (30 - 5 - 1);
    expectNear(r.testError.sim[5], r.testError.se[5], unit * basel(6), 4, 0.06);
    expectNear(r.varianceRatio.sim[5], r.varianceRatio.se[5], basel(6), 4, 0.04);
    expect(r.varianceRatio.sim[5]).toBeLessThan(Math.PI ** 2 / 6);
  });

  it('keeps eq. (5) exact for a fresh design and an anisotropic diagonal Σ', async () => {
    const r = await run({
      scheme: 'replace',
      design: 'fresh',
      d: 3,
      T: 20,
      generations: 3,
      trials: 3000,
      covariance: [0.25, 1, 9],
    });
    expectNear(r.testError.sim[2], r.testError.se[2], (3 / (20 - 3 - 1)) * 3, 4, 0.06);
  });

  it('shares generation 1 across schemes and orders them: accumulate < sub, sub-repl < replace', async () => {
    const o = { d: 5, T: 30, generations: 5, trials: 1000 };
    const [rep, acc, sub, subr] = await Promise.all(
      (['replace', 'accumulate', 'sub', 'sub-repl'] as const).map((scheme) => run({ ...o, scheme })),
    );
    for (const r of [acc, sub, subr]) expect(r.testError.sim[0]).toBe(rep.testError.sim[0]);
    for (const r of [sub, subr]) {
      expect(r.varianceRatio.sim[4]).toBeGreaterThan(acc.varianceRatio.sim[4]);
      expect(r.varianceRatio.sim[4]).toBeLessThan(rep.varianceRatio.sim[4]);
      expect(r.testError.theory.every((t) => t === null)).toBe(true);
    }
  });

  it('ridge with a huge λ shrinks ŵ to 0, so the test error is ||w*||²_Σ, and has no exact closed form', async () => {
    const r = await run({
      scheme: 'replace',
      lambda: 1e12,
      d: 3,
      T: 10,
      generations: 2,
      trials: 4,
      wStar: [1, -2, 0.5],
    });
    expect(r.testError.sim[1]).toBeCloseTo(1 + 4 + 0.25, 6);
    expect(r.testError.theory).toEqual([null, null]);
    expect(r.testError.forms.lowDimensional[1]).toBeCloseTo(1 + 4 + 0.25, 6);
  });

  it('matches eq. (3) in its low-dimensional form where d is small against T0 and T (ridge, replace)', async () => {
    // The form drops O(1/T) terms, so T is large against the trials' resolution.
    const r = await run({
      scheme: 'replace',
      lambda: 0.5,
      d: 2,
      T: 2000,
      T0: 1000,
      sigma: 1,
      sigma0: 2,
      covariance: [1, 0.5],
      generations: 3,
      trials: 400,
    });
    expect(r.testError.theory).toEqual([null, null, null]);
    for (const g of [0, 2])
      expectNear(r.testError.sim[g], r.testError.se[g], r.testError.forms.lowDimensional[g]!, 3, 0.03);
  });

  it('matches eq. (3) in its random-matrix form at d comparable to T, where the low-dimensional form is off', async () => {
    const r = await run({ scheme: 'replace', lambda: 0.1, d: 40, T: 50, T0: 100, generations: 3, trials: 300 });
    const { lowDimensional: low, randomMatrix: rmt } = r.testError.forms;
    for (const g of [0, 2]) expectNear(r.testError.sim[g], r.testError.se[g], rmt[g]!, 3, 0.05);
    expect(Math.abs(r.testError.sim[0] - low[0]!)).toBeGreaterThan(10 * r.testError.se[0]);
  });

  it('keeps eq. (3) exact for a separate least-squares fit: σ²d/(T-d-1) + (k-1)σ0²d/(T0-d-1)', async () => {
    const r = await run({
      scheme: 'replace',
      d: 3,
      T: 40,
      T0: 12,
      sigma: 1,
      sigma0: 0.5,
      generations: 3,
      trials: 3000,
    });
    const exact = (k: number) => 3 / 36 + ((k - 1) * 0.25 * 3) / 8;
    expect(r.testError.theory).toEqual([1, 2, 3].map(exact));
    expectNear(r.testError.sim[2], r.testError.se[2], exact(3), 4, 0.06);
  });

  it('adapts the penalty to T: λ = lambda·T^-ℓ, and refuses ℓ without lambda', async () => {
    const a = await run({ scheme: 'replace', lambda: 1, lambdaExponent: 1, d: 2, T: 50, generations: 2, trials: 50 });
    const b = await run({ scheme: 'replace', lambda: 0.02, d: 2, T: 50, generations: 2, trials: 50 });
    expect(a.testError.sim).toEqual(b.testError.sim);
    await expect(run({ lambdaExponent: 0.5 })).rejects.toThrow(
      'lambdaExponent needs lambda > 0 (the penalty is lambda·T^-lambdaExponent); got 0.5.',
    );
  });

  it('prints the contract keys in order, arrays indexed from generation 1', async () => {
    const r = await run({ scheme: 'accumulate', d: 2, T: 8, generations: 3, trials: 20 });
    const j = regressionSimulator.json(r);
    expect(Object.keys(j)).toEqual([
      'experiment',
      'scheme',
      'd',
      'T',
      'sigma',
      'lambda',
      'covariance',
      'design',
      'wStar',
      'T0',
      'sigma0',
      'lambdaExponent',
      'generations',
      'trials',
      'seed',
      'testError',
      'varianceRatio',
      'testErrorSe',
      'varianceRatioSe',
      'theory',
      'theoryVarianceRatio',
      'theoryLowDimensional',
      'theoryRandomMatrix',
    ]);
    expect(j.varianceRatio[0]).toBe(1);
    expect(j.theory).toHaveLength(3);
    expect(j.theoryVarianceRatio).toEqual([1, 1.25, basel(3)]);
  });

  it('rejects bad options with a sentence naming them', async () => {
    await expect(run({ d: 10, T: 11 })).rejects.toThrow('T must be at least d + 2 = 12 (under-parameterized); got 11.');
    await expect(run({ d: 2, covariance: [1] })).rejects.toThrow('covariance must be 2 positive numbers');
    await expect(run({ sigma: -1 })).rejects.toThrow('sigma must be a finite number >= 0; got -1.');
    await expect(run({ scheme: 'mix' as never })).rejects.toThrow(
      "scheme must be one of 'replace', 'accumulate', 'sub', 'sub-repl'; got 'mix'.",
    );
    await expect(run({ design: 'random' as never })).rejects.toThrow(
      "design must be 'fixed' or 'fresh'; got 'random'.",
    );
  });
});
