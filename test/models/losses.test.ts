import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import { bernoulliNll } from '../../models/losses.ts';
import { exactBce } from '../helpers/bce.ts';

afterAll(async () => {
  await initBackend('wasm');
});

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
      const e = exactBce((await l.data()) as Float32Array, (await x.data()) as Float32Array, w, 20);
      (await loss.data()).forEach((v, r) =>
        expect(Math.abs(v - e.loss[r])).toBeLessThan(1e-5 * Math.abs(e.loss[r]) + 1e-5),
      );
      (await grad.data()).forEach((v, k) => expect(Math.abs(v - e.grad[k])).toBeLessThan(1e-6));
      tf.dispose([l, x, loss, grad]);
    });
  }
});
