import { describe, expect, it } from 'vitest';
import { basel } from '../../../lib/theory/common.ts';
import { fisherInformation, fitLogistic, logisticSimulator, simulateLogistic } from '../../../lib/theory/logistic.ts';
import type { LogisticOptions } from '../../../lib/theory/logistic.ts';

const run = (o: LogisticOptions) => simulateLogistic({ workers: 1, ...o });

describe('theory/logistic', () => {
  it('fits the closed-form MLE: x = ±1 with 7/10 and 3/10 positives gives θ = log(7/3)', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : -1));
    const y = Float64Array.from({ length: 20 }, (_, i) => (i < 10 ? Number(i < 7) : Number(i < 13)));
    const theta = new Float64Array(1);
    expect(
      fitLogistic(
        x,
        y,
        Uint32Array.from({ length: 20 }, (_, i) => i),
        1,
        theta,
        50,
      ),
    ).toBe(true);
    expect(theta[0]).toBeCloseTo(Math.log(7 / 3), 10);
  });

  it('reports no convergence on separable data (the MLE does not exist)', () => {
    const x = Float64Array.of(1, 2, -1, -2);
    const y = Float64Array.of(1, 1, 0, 0);
    const theta = new Float64Array(1);
    expect(fitLogistic(x, y, [0, 1, 2, 3], 1, theta, 30)).toBe(false);
    expect(theta[0]).toBeGreaterThan(5);
  });

  it('Fisher information per row: 1/4 at θ0 = 0, smaller as the signal grows', () => {
    const zero = fisherInformation(0);
    expect(zero.a).toBeCloseTo(0.25, 10);
    expect(zero.b).toBeCloseTo(0.25, 10);
    const one = fisherInformation(1);
    const two = fisherInformation(2);
    expect(two.a).toBeLessThan(one.a);
    expect(one.b).toBeLessThan(one.a);
  });

  it('approaches the asymptotic error d/T at generation 1 when T >> d', async () => {
    const r = await run({ scheme: 'replace', d: 2, T: 1000, generations: 1, trials: 600 });
    expect(r.testError.theory[0]).toBeCloseTo(2 / 1000, 12);
    expect(Math.abs(r.testError.sim[0] - 0.002)).toBeLessThan(4 * r.testError.se[0]);
    expect(r.unconverged).toEqual([0]);
  });

  it('accumulate tends to Σ1/i² while replace grows like k, subsampling between', async () => {
    const o = { d: 2, T: 300, generations: 4, trials: 600 };
    const [rep, acc, sub] = await Promise.all(
      (['replace', 'accumulate', 'sub'] as const).map((scheme) => run({ ...o, scheme })),
    );
    expect(Math.abs(acc.varianceRatio.sim[3] - basel(4))).toBeLessThan(4 * acc.varianceRatio.se[3]);
    expect(Math.abs(rep.varianceRatio.sim[3] - 4)).toBeLessThan(4 * rep.varianceRatio.se[3]);
    expect(sub.varianceRatio.sim[3]).toBeGreaterThan(acc.varianceRatio.sim[3]);
    expect(sub.varianceRatio.sim[3]).toBeLessThan(rep.varianceRatio.sim[3]);
    expect(sub.varianceRatio.theory).toEqual([null, null, null, null]);
  });

  it('with Cauchy features (no finite moments, outside the theorem) still runs, with no closed form for the error', async () => {
    const r = await run({ scheme: 'accumulate', features: 'cauchy', d: 2, T: 200, generations: 3, trials: 100 });
    expect(r.testError.theory).toEqual([null, null, null]);
    expect(r.varianceRatio.theory).toEqual([1, 1.25, basel(3)]);
    expect(r.varianceRatio.sim[2]).toBeGreaterThan(1);
  });

  it('prints the shared fields, the theory arrays and the count of unconverged fits', async () => {
    const j = logisticSimulator.json(await run({ d: 2, T: 40, generations: 2, trials: 8 }));
    expect(Object.keys(j)).toEqual([
      'experiment',
      'scheme',
      'd',
      'T',
      'signal',
      'maxIterations',
      'features',
      'generations',
      'trials',
      'seed',
      'testError',
      'varianceRatio',
      'testErrorSe',
      'varianceRatioSe',
      'theory',
      'theoryVarianceRatio',
      'unconverged',
    ]);
    expect(j.theoryVarianceRatio).toEqual([1, 1.25]);
  });

  it('rejects bad options with a sentence naming them', async () => {
    await expect(run({ d: 5, T: 5 })).rejects.toThrow(
      'T must be more than d = 5 for the maximum-likelihood fit to exist; got 5.',
    );
    await expect(run({ signal: Number.NaN })).rejects.toThrow('signal must be a finite number >= 0; got NaN.');
  });
});
