import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';

// The kernel replaces the wasm one only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});

/** The product with tfjs's transpose flags, and the same product with the operands transposed beforehand. */
function bothWays(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const a = tf.randomNormal(aShape, 0, 1, 'float32', 1);
    const b = tf.randomNormal(bShape, 0, 1, 'float32', 2);
    const swap = (t: tf.Tensor) => tf.transpose(t, [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i)));
    const flagged = tf.matMul(a, b, transposeA, transposeB);
    const explicit = tf.matMul(transposeA ? swap(a) : a, transposeB ? swap(b) : b);
    return [flagged.dataSync() as Float32Array, explicit.dataSync() as Float32Array];
  });
}

describe('BatchMatMul with transposed operands on wasm', () => {
  it('a b^T with a wide b (computed as (b a^T)^T) equals the product of a and b transposed, bit for bit', () => {
    const [flagged, explicit] = bothWays([128, 784], [400, 784], false, true);
    expect(flagged.length).toBe(128 * 400);
    expect(flagged.every((v, i) => Object.is(v, explicit[i]))).toBe(true);
  });

  it('keeps the plain route for other shapes and flags, batched ones included', () => {
    for (const [aShape, bShape, tA, tB] of [
      [[1, 9, 5], [1, 7, 5], false, true],
      [[6, 9], [6, 4], true, false],
      [[2, 6, 9], [2, 4, 6], true, true],
    ] as [number[], number[], boolean, boolean][]) {
      const [flagged, explicit] = bothWays(aShape, bShape, tA, tB);
      expect(flagged.every((v, i) => Object.is(v, explicit[i]))).toBe(true);
    }
  });
});
