import { describe, expect, it } from 'vitest';
import { gaussianSimulator, gaussianTrials, simulateGaussian } from '../../../lib/theory/gaussian.ts';
import { simulateLogistic } from '../../../lib/theory/logistic.ts';
import { simulateRegression } from '../../../lib/theory/regression.ts';
import { runTrials } from '../../../lib/theory/trials.ts';

describe('theory/trials', () => {
  it('gives bit-identical results on worker threads and in this thread', async () => {
    const o = { scheme: 'sub-repl' as const, d: 3, T: 8, generations: 3, trials: 130 };
    const progress: number[] = [];
    const [inline, threaded] = await Promise.all([
      simulateRegression({ ...o, workers: 1 }),
      simulateRegression({ ...o, workers: 2, onProgress: (done) => progress.push(done) }),
    ]);
    expect(threaded.workers).toBe(2);
    expect(threaded.testError).toEqual(inline.testError);
    expect(threaded.varianceRatio).toEqual(inline.varianceRatio);
    expect(progress.at(-1)).toBe(130);
  });

  it('gives bit-identical Gaussian and logistic results on 1 and 2 workers, to the last bit of every curve', async () => {
    const cases = [
      [simulateGaussian, { scheme: 'accumulate' as const, d: 2, T: 10, generations: 3, trials: 130, seed: 4 }],
      [simulateLogistic, { scheme: 'sub' as const, d: 2, T: 30, generations: 3, trials: 130, seed: 4 }],
    ] as const;
    for (const [simulate, o] of cases) {
      const [one, two] = await Promise.all([simulate({ ...o, workers: 1 }), simulate({ ...o, workers: 2 })]);
      expect(two.workers).toBe(2);
      const { seconds: _a, workers: _b, ...a } = one;
      const { seconds: _c, workers: _d, ...b } = two;
      expect(b).toEqual(a);
    }
  });

  it('rejects with the message of an error thrown inside a worker', async () => {
    // Unvalidated options (simulate* would refuse them) make the range function throw in the worker.
    const config = { ...gaussianSimulator.resolve({ trials: 4 }), T: -5 };
    await expect(
      runTrials({ experiment: 'gaussian', options: config, trials: 4, stride: 1, run: gaussianTrials }, { workers: 2 }),
    ).rejects.toThrow(/Invalid typed array length/);
  });
});
