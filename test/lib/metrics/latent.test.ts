import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../lib/tfjs.ts';
import { features } from '../../../lib/metrics/features.ts';
import { encodeAll, latentStd, meanStd } from '../../../lib/metrics/latent.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';

beforeAll(useTestBackend);

describe('latentStd', () => {
  it('averages the per-dimension standard deviations', () => {
    // dim 0: 1, 3 -> sd sqrt(2); dim 1: 5, 5 -> sd 0.
    expect(meanStd(features([1, 5, 3, 5], 2))).toBeCloseTo(Math.SQRT2 / 2, 12);
  });

  it('is 0 when every sample is the same image', async () => {
    const { test } = await tinyMnist(10, 20);
    const model = tinyVae({ seed: 1 });
    const before = tf.memory().numTensors;
    const same = { ...test, count: 20, gather: (ix: ArrayLike<number>) => test.gather(Array.from(ix, () => 0)) };
    expect(await latentStd(model, same, 20, 7)).toBeCloseTo(0, 12);
    const codes = await encodeAll(model, test, 15, 7);
    expect([codes.count, codes.dim]).toEqual([15, model.latentDim]);
    expect(meanStd(codes)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
