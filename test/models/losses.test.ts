import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend.ts';
import { bernoulliNll } from '../../models/losses.ts';

afterAll(async () => {
  await initBackend('wasm');
});

/** Per image: sum of softplus(l) - l x in double, and the gradient of sum_i w_i loss_i by l. */
function exact(l: Float32Array, x: Float32Array, w: number[], d: number): { loss: number[]; grad: number[] } {
  const loss = w.map((_, r) => {
    let s = 0;
    for (let k = r * d; k < (r + 1) * d; k++) s += Math.max(l[k], 0) + Math.log1p(Math.exp(-Math.abs(l[k]))) - l[k] * x[k];
    return s;
  });
  return { loss, grad: Array.from(l, (v, k) => w[Math.floor(k / d)] * (1 / (1 + Math.exp(-v)) - x[k])) };
}

describe('bernoulliNll', () => {
  // wasm runs the library's two kernels, cpu the op's composed tfjs form: both are the same op.
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`on ${backend}: per image loss and gradient sigmoid(l) - x for image-shaped batches`, async () => {
      await initBackend(backend);
      const w = [0.5, 2, 1];
      const l = tf.randomNormal([3, 4, 5, 1], 0, 8, 'float32', 1);
      const x = tf.randomUniform([3, 4, 5, 1], 0, 1, 'float32', 2);
      const [loss, grad] = tf.tidy(() => [
        bernoulliNll(l, x),
        tf.grad((lg: tf.Tensor) => tf.sum(tf.mul(bernoulliNll(lg, x), tf.tensor1d(w))))(l),
      ]);
      expect(loss.shape).toEqual([3]);
      expect(grad.shape).toEqual([3, 4, 5, 1]);
      const e = exact((await l.data()) as Float32Array, (await x.data()) as Float32Array, w, 20);
      (await loss.data()).forEach((v, r) => expect(Math.abs(v - e.loss[r])).toBeLessThan(1e-5 * Math.abs(e.loss[r]) + 1e-5));
      (await grad.data()).forEach((v, k) => expect(Math.abs(v - e.grad[k])).toBeLessThan(1e-6));
      tf.dispose([l, x, loss, grad]);
    });
  }
});
