import { describe, expect, it } from 'vitest';
import { basel } from '../../../lib/theory/common.ts';
import { expectNear } from './near.ts';
import { gaussianSimulator, simulateGaussian } from '../../../lib/theory/gaussian.ts';
import type { GaussianOptions } from '../../../lib/theory/gaussian.ts';

const run = (o: GaussianOptions) => simulateGaussian({ workers: 1, ...o });

describe('theory/gaussian', () => {
  it('MLE under replace: E σ̂²_g/σ² = ((T-1)/T)^g, and Var(X_g) stays σ²', async () => {
    const r = await run({ scheme: 'replace', estimator: 'mle', T: 5, generations: 6, trials: 4000, sigma: 3 });
    for (const g of [1, 3, 6]) {
      expect(r.fittedVariance.theory[g - 1]).toBeCloseTo(0.8 ** g, 12);
      expectNear(r.fittedVariance.sim[g - 1], r.fittedVariance.se[g - 1], 0.8 ** g, 4, 0.08);
      expectNear(r.marginalVariance.sim[g - 1], r.marginalVariance.se[g - 1], 9, 4, 0.05);
    }
  });

  it('collapses under replace: the median fitted variance goes to 0 while the unbiased mean stays 1', async () => {
    const r = await run({ scheme: 'replace', T: 5, generations: 20, trials: 4000 });
    // E log(χ²_4/4) = ψ(2) - log 2 ≈ -0.27 per generation, so the median is near e^{-5.4} by g = 20.
    expect(r.fittedVarianceMedian.sim[19]).toBeLessThan(0.02);
    // The mean's Monte Carlo error grows like 1.5^g; at g = 4 it is still small.
    expectNear(r.fittedVariance.sim[3], r.fittedVariance.se[3], 1, 4, 0.1);
  });

  it('unbiased replace: Var(X_g) = σ²(1 + g/T) and E||μ_g - μ||² = dσ²g/T', async () => {
    const r = await run({ scheme: 'replace', T: 10, d: 3, generations: 5, trials: 3000 });
    expectNear(r.marginalVariance.sim[4], r.marginalVariance.se[4], 1.5, 4, 0.05);
    expectNear(r.meanError.sim[4], r.meanError.se[4], 1.5, 4, 0.08);
    expectNear(r.varianceRatio.sim[4], r.varianceRatio.se[4], 5, 4, 0.08);
  });

  it('E W2² follows the first-order form (3σ²/2)·g/T at d = 1, with g terms (not g + 1)', async () => {
    const r = await run({ scheme: 'replace', T: 400, generations: 4, trials: 4000 });
    expect(r.testError.theory[0]).toBeCloseTo(1.5 / 400, 12);
    expectNear(r.testError.sim[0], r.testError.se[0], 1.5 / 400, 4, 0.08);
    expectNear(r.testError.sim[3], r.testError.se[3], (1.5 * 4) / 400, 4, 0.08);
  });

  it('W2² in d dimensions: σ²/T·(d + d(d+1)/4)·(g or Σ1/i²) to first order, for replace and accumulate', async () => {
    const o = { d: 3, T: 400, generations: 3, trials: 1500 };
    const [rep, acc] = await Promise.all([run({ ...o, scheme: 'replace' }), run({ ...o, scheme: 'accumulate' })]);
    expectNear(rep.testError.sim[2], rep.testError.se[2], (6 * 3) / 400, 4, 0.08);
    expectNear(acc.testError.sim[2], acc.testError.se[2], (6 * basel(3)) / 400, 4, 0.08);
  });

  it('accumulate: variance ratio near Σ1/i² (first order), below replace, sub schemes between', async () => {
    const o = { T: 200, generations: 5, trials: 3000 };
    const [rep, acc, sub, subr] = await Promise.all(
      (['replace', 'accumulate', 'sub', 'sub-repl'] as const).map((scheme) => run({ ...o, scheme })),
    );
    expectNear(acc.varianceRatio.sim[4], acc.varianceRatio.se[4], basel(5), 4, 0.05);
    for (const r of [sub, subr]) {
      expect(r.testError.sim[4]).toBeGreaterThan(acc.testError.sim[4]);
      expect(r.testError.sim[4]).toBeLessThan(rep.testError.sim[4]);
    }
  });

  it('scales exactly with σ: W2² and the mean error by σ², the fitted ratio not at all', async () => {
    const o = { scheme: 'sub' as const, d: 2, T: 8, generations: 3, trials: 50 };
    const [one, two] = await Promise.all([run({ ...o, sigma: 1 }), run({ ...o, sigma: 2 })]);
    for (let g = 0; g < 3; g++) {
      expect(two.testError.sim[g] / one.testError.sim[g]).toBeCloseTo(4, 9);
      expect(two.meanError.sim[g] / one.meanError.sim[g]).toBeCloseTo(4, 9);
      expect(two.fittedVariance.sim[g]).toBeCloseTo(one.fittedVariance.sim[g], 9);
    }
  });

  it("eq. (2)'s variance: Var W2² = 5σ⁴/2·(Σ 1/T_j)² to first order at d = 1, not the survey's printed form", async () => {
    const r = await run({ scheme: 'replace', T: 400, sigma: 2, generations: 3, trials: 6000 });
    const S = (g: number) => g / 400;
    for (const g of [1, 3]) {
      expect(r.riskVariance.theory[g - 1]).toBeCloseTo(16 * 2.5 * S(g) ** 2, 15);
      expectNear(r.riskVariance.sim[g - 1], r.riskVariance.se[g - 1], 16 * 2.5 * S(g) ** 2, 3, 0.1);
    }
    // Printed: (σ⁴/2)(3g + 4g(g-1))/T², 3/5 of the first-order value at g = 1, many standard errors away.
    expect(r.riskVariance.forms.equation2[0]).toBeCloseTo((16 / 2) * (3 / 400 ** 2), 15);
    expect(Math.abs(r.riskVariance.sim[0] - r.riskVariance.forms.equation2[0]!)).toBeGreaterThan(
      5 * r.riskVariance.se[0],
    );
  });

  it('bounds the risk only when T_g grows superlinearly: Σ 1/T_i with T_i = T(i+1)^p', async () => {
    const o = { scheme: 'replace' as const, T: 100, generations: 5, trials: 800 };
    const [lin, quad] = await Promise.all([run({ ...o, TGrowth: 'linear' }), run({ ...o, TGrowth: 'quadratic' })]);
    const harmonic = (g: number) => Array.from({ length: g }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);
    expect(lin.testError.theory[4]).toBeCloseTo((1.5 * harmonic(5)) / 100, 15);
    expect(quad.testError.theory[4]).toBeCloseTo((1.5 * basel(5)) / 100, 15);
    expectNear(lin.testError.sim[4], lin.testError.se[4], (1.5 * harmonic(5)) / 100, 4, 0.15);
    expectNear(quad.testError.sim[4], quad.testError.se[4], (1.5 * basel(5)) / 100, 4, 0.15);
    // The exact forms hold for any sizes: E||μ_g||² = dσ² Σ_{j<g} 1/T_j for the unbiased estimator.
    expectNear(quad.meanError.sim[4], quad.meanError.se[4], basel(5) / 100, 4, 0.15);
  });

  it("§3.1.1's lower bound: a mean shrunk towards the truth (Cov(ε, μ) ≠ 0) falls below it, shrunk elsewhere stays above", async () => {
    const o = { scheme: 'replace' as const, T: 100, generations: 6, trials: 1000, shrinkage: 0.2 };
    const [toTruth, away] = await Promise.all([run({ ...o, shrinkTo: 0 }), run({ ...o, shrinkTo: 1 })]);
    expect(toTruth.testError.sim[5] + 4 * toTruth.testError.se[5]).toBeLessThan(toTruth.lowerBound.sim[5]);
    expect(away.testError.sim[5] - 4 * away.testError.se[5]).toBeGreaterThan(away.lowerBound.sim[5]);
    expect(away.testError.theory.every((t) => t === null)).toBe(true);
    // Without shrinkage the bound is tr Σ·Σ 1/T_i exactly.
    const plain = await run({ scheme: 'replace', T: 100, generations: 2, trials: 20 });
    expect(plain.lowerBound.sim[0]).toBeCloseTo(0.01, 15);
    expect(plain.lowerBound.sim[1]).toBeCloseTo(0.02, 15);
  });

  it('prints the shared fields and its own, with theory arrays (null without a closed form)', async () => {
    const j = gaussianSimulator.json(await run({ scheme: 'sub-repl', generations: 2, trials: 10 }));
    expect(Object.keys(j).slice(0, 12)).toEqual([
      'experiment',
      'scheme',
      'd',
      'T',
      'sigma',
      'estimator',
      'TGrowth',
      'shrinkage',
      'shrinkTo',
      'generations',
      'trials',
      'seed',
    ]);
    expect(j.varianceRatio).toHaveLength(2);
    expect(j.theory).toEqual([null, null]);
    // The median has neither a standard error nor a closed form, so neither key is printed.
    expect(j).not.toHaveProperty('fittedVarianceMedianSe');
    expect(j).not.toHaveProperty('theoryFittedVarianceMedian');
  });

  it('rejects bad options with a sentence naming them', async () => {
    await expect(run({ T: 1 })).rejects.toThrow('T must be an integer >= 2; got 1.');
    await expect(run({ sigma: 0 })).rejects.toThrow('sigma must be a finite number > 0; got 0.');
    await expect(run({ estimator: 'biased' as never })).rejects.toThrow(
      "estimator must be 'unbiased' or 'mle'; got 'biased'.",
    );
  });
});
