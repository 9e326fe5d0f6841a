import { describe, expect, it } from 'vitest';
import { gaussianTrials, resolveGaussianOptions } from '../../../lib/theory/gaussian.ts';
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

  it('rejects with the message of an error thrown inside a worker', async () => {
    // Unvalidated options (simulate* would refuse them) make the range function throw in the worker.
    const config = { ...resolveGaussianOptions({ trials: 4 }), T: -5 };
    await expect(
      runTrials({ experiment: 'gaussian', options: config, trials: 4, stride: 1, run: gaussianTrials }, { workers: 2 }),
    ).rejects.toThrow(/Invalid typed array length/);
  });
});
