import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import { setBceSimd } from '../../lib/backend-wasm-bce.ts';
import { bernoulliNll } from '../../models/losses.ts';
import { exactBce } from '../helpers/bce.ts';

// The kernels exist for the wasm backend only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});

/** Losses per row and their gradient by the logits (weighted by `w` per row), with or without SIMD. */
async function lossAndGrad(l: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor1D, simd: boolean): Promise<Float32Array[]> {
  setBceSimd(simd);
  try {
    const [loss, grad] = tf.tidy(() => [
      bernoulliNll(l, x),
      tf.grad((lg: tf.Tensor) => tf.sum(tf.mul(bernoulliNll(lg, x), w)))(l),
    ]);
    const out = [(await loss.data()) as Float32Array, (await grad.data()) as Float32Array];
    tf.dispose([loss, grad]);
    return out;
  } finally {
    setBceSimd(true);
  }
}

describe('binary cross-entropy kernels on wasm', () => {
  // 7 pixels a row exercise the SIMD functions' remainder loops; 784 is an MNIST image.
  for (const [n, d] of [
    [5, 7],
    [3, 3],
    [16, 784],
  ]) {
    it(`${n} x ${d}: SIMD and JavaScript agree bit for bit, and both match the exact loss and gradient`, async () => {
      // Logits from -40 to 40: saturated pixels on both sides, and x anywhere in [0, 1].
      const l = tf.mul(40, tf.sub(tf.mul(2, tf.randomUniform([n, d], 0, 1, 'float32', 1)), 1)) as tf.Tensor2D;
      const x = tf.randomUniform([n, d], 0, 1, 'float32', 2) as tf.Tensor2D;
      const w = tf.randomUniform([n], 0.5, 2, 'float32', 3) as tf.Tensor1D;
      const [loss, grad] = await lossAndGrad(l, x, w, true);
      const [jsLoss, jsGrad] = await lossAndGrad(l, x, w, false);
      expect(Array.from(jsLoss)).toEqual(Array.from(loss));
      expect(Array.from(jsGrad)).toEqual(Array.from(grad));
      const data = async (t: tf.Tensor) => (await t.data()) as Float32Array;
      const { loss: exactLoss, grad: exactGrad } = exactBce(await data(l), await data(x), await data(w), d);
      // Float32 rounding only: relative 1e-6 of a row's loss, 1e-6 absolute for a pixel's gradient.
      loss.forEach((v, r) => expect(Math.abs(v - exactLoss[r])).toBeLessThan(1e-6 * Math.abs(exactLoss[r]) + 1e-6));
      grad.forEach((v, k) => expect(Math.abs(v - exactGrad[k])).toBeLessThan(1e-6));
      tf.dispose([l, x, w]);
    });
  }

  it('leaves no tensors behind after a gradient', async () => {
    const l = tf.randomNormal([4, 9], 0, 3, 'float32', 4) as tf.Tensor2D;
    const x = tf.randomUniform([4, 9], 0, 1, 'float32', 5) as tf.Tensor2D;
    const w = tf.ones([4]) as tf.Tensor1D;
    await lossAndGrad(l, x, w, true);
    const before = tf.memory().numTensors;
    await lossAndGrad(l, x, w, true);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([l, x, w]);
  });
});
