import { describe, expect, it } from 'vitest';
import { basel } from '../../../lib/theory/common.ts';
import { THEORY_SIMULATORS } from '../../../lib/theory/simulators.ts';

/** Options unlike every default, so that a field the JSON dropped or defaulted would show. */
const CASES = {
  regression: {
    scheme: 'accumulate',
    d: 3,
    T: 9,
    sigma: 0.5,
    lambda: 0,
    covariance: [1, 2, 0.5],
    design: 'fixed',
    wStar: [1, -1, 0.25],
    T0: 9,
    sigma0: 0.5,
    lambdaExponent: 0,
    generations: 3,
    trials: 40,
    seed: 7,
  },
  gaussian: {
    scheme: 'replace',
    d: 2,
    T: 12,
    sigma: 2,
    estimator: 'mle',
    TGrowth: 'linear',
    shrinkage: 0.1,
    shrinkTo: 0.5,
    generations: 3,
    trials: 40,
    seed: 7,
  },
  logistic: {
    scheme: 'accumulate',
    d: 2,
    T: 60,
    signal: 0.5,
    maxIterations: 30,
    features: 'gaussian',
    generations: 3,
    trials: 40,
    seed: 7,
  },
  poisson: { scheme: 'accumulate', d: 2, T: 60, signal: 0.3, maxIterations: 30, generations: 3, trials: 40, seed: 7 },
} as const;

describe('theory/simulator: every simulator defined once', () => {
  for (const [name, options] of Object.entries(CASES)) {
    const sim = THEORY_SIMULATORS[name as keyof typeof CASES];

    it(`${name}: the JSON carries the full configuration as given`, async () => {
      const r = await sim.simulate({ ...options, workers: 1 } as never);
      const j = sim.json(r as never) as unknown as Record<string, unknown>;
      expect(j.experiment).toBe(name);
      expect(Object.keys(sim.fields)).toEqual(Object.keys(options));
      for (const [k, v] of Object.entries(options)) expect(j[k], k).toEqual(v);
    });

    it(`${name}: the JSON carries each curve, its standard errors and its closed form, as the table prints them`, async () => {
      const r = (await sim.simulate({ ...options, workers: 1 } as never)) as unknown as Record<
        string,
        { sim: number[]; se: number[]; theory: (number | null)[] }
      >;
      const j = sim.json(r as never) as unknown as Record<string, unknown>;
      for (const [metric, spec] of Object.entries(
        sim.metrics as Record<string, { closedForm: boolean; se?: boolean }>,
      )) {
        expect(j[metric], metric).toEqual(r[metric].sim);
        if (spec.se !== false) {
          expect(j[`${metric}Se`], `${metric}Se`).toEqual(r[metric].se);
          expect((j[`${metric}Se`] as number[]).slice(1).every((s) => s > 0)).toBe(true);
        } else {
          expect(j).not.toHaveProperty(`${metric}Se`);
        }
        const key = metric === 'testError' ? 'theory' : `theory${metric[0].toUpperCase()}${metric.slice(1)}`;
        if (spec.closedForm) expect(j[key], key).toEqual(r[metric].theory);
        else expect(j).not.toHaveProperty(key);
      }
      // Both schemes here have closed forms for the variance ratio: k (replace) or Σ 1/i² (accumulate).
      const ratio = options.scheme === 'replace' && name === 'gaussian' ? null : [1, 1.25, basel(3)];
      if (ratio) expect(j.theoryVarianceRatio).toEqual(ratio);
      expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    });
  }

  it('the regression JSON keeps options that change the numbers but have no closed form (ridge, fresh design)', async () => {
    const sim = THEORY_SIMULATORS.regression;
    const j = sim.json(
      await sim.simulate({ lambda: 0.5, design: 'fresh', seed: 7, d: 2, T: 8, generations: 2, trials: 10, workers: 1 }),
    );
    expect(j).toMatchObject({
      lambda: 0.5,
      design: 'fresh',
      seed: 7,
      theory: [null, null],
      theoryVarianceRatio: [null, null],
    });
  });

  it('refuses an option it does not know instead of quietly using a default', async () => {
    await expect(THEORY_SIMULATORS.gaussian.simulate({ sigm: 2 } as never)).rejects.toThrow(
      'sigm is not an option of gaussian (its options: scheme, d, T, sigma, estimator, TGrowth, shrinkage, shrinkTo, generations, trials, seed); got 2.',
    );
  });

  it('describes a configuration by its own fields, vectors and computed defaults only where they differ from the default', () => {
    const sim = THEORY_SIMULATORS.regression;
    expect(sim.describe(sim.resolve({ d: 2, T: 8 }))).toBe('d=2 T=8 sigma=1 lambda=0 design=fixed');
    expect(sim.describe(sim.resolve({ d: 2, T: 8, covariance: [1, 4] }))).toBe(
      'd=2 T=8 sigma=1 lambda=0 covariance=[1,4] design=fixed',
    );
    // Computed defaults (T0 = T, sigma0 = sigma) and a quiet default (ℓ = 0) only where they differ.
    expect(sim.describe(sim.resolve({ d: 2, T: 8, T0: 6, lambda: 1, lambdaExponent: 0.5 }))).toBe(
      'd=2 T=8 sigma=1 lambda=1 design=fixed T0=6 lambdaExponent=0.5',
    );
  });
});
