import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import { referenceAdamUpdate, setFusedAdamSimd } from '../../lib/backend-wasm-adam.ts';

// The kernel exists for the wasm backend only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});

/** Weights then moments after `steps` Adam steps on a small regression, with the fused or tfjs's own update. */
async function train(update: 'simd' | 'js' | 'tfjs', steps: number): Promise<Float32Array[]> {
  // Sizes that are not multiples of 4 exercise the SIMD function's remainder loop.
  const w = tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1));
  const b = tf.variable(tf.zeros([5]));
  const x = tf.randomNormal([16, 7], 0, 1, 'float32', 2);
  const y = tf.randomNormal([16, 5], 0, 1, 'float32', 3);
  const optimizer = tf.train.adam(0.05);
  if (update === 'tfjs') optimizer.applyGradients = (grads) => referenceAdamUpdate(optimizer, grads);
  setFusedAdamSimd(update === 'simd');
  try {
    for (let s = 0; s < steps; s++) {
      // Gradients spanning many orders of magnitude, down to subnormal squares.
      const scale = 10 ** (4 - 9 * (s % 5));
      optimizer.minimize(() => tf.mul(scale, tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b))) as tf.Scalar, true)?.dispose();
    }
    const [iterations, ...moments] = (await optimizer.getWeights()).map((t) => t.tensor);
    iterations.dispose();
    return await Promise.all([w, b, ...moments].map(async (t) => (await t.data()) as Float32Array));
  } finally {
    setFusedAdamSimd(true);
    optimizer.dispose();
    tf.dispose([w, b, x, y]);
  }
}

/** How many values differ in their bits (NaN and -0 included). */
function differing(a: Float32Array[], b: Float32Array[]): number {
  expect(a.map((t) => t.length)).toEqual(b.map((t) => t.length));
  return a.reduce((n, t, k) => n + t.filter((v, i) => !Object.is(v, b[k][i])).length, 0);
}

describe('fused Adam on wasm', () => {
  it('updates weights and moments bit for bit as tfjs Adam does, with and without SIMD', async () => {
    const reference = await train('tfjs', 12);
    expect(differing(await train('simd', 12), reference)).toBe(0);
    expect(differing(await train('js', 12), reference)).toBe(0);
    // The optimizer really moved the weights (the comparison is not between two untouched copies).
    const start = tf.tidy(() => tf.randomNormal([7, 5], 0, 1, 'float32', 1).dataSync());
    expect(reference[0].some((v, i) => v !== start[i])).toBe(true);
  });

  it('leaves no more tensors behind than tfjs Adam, whatever the number of steps', async () => {
    const growth = async (update: 'simd' | 'tfjs', steps: number) => {
      const before = tf.memory().numTensors;
      await train(update, steps);
      return tf.memory().numTensors - before;
    };
    const tfjs = await growth('tfjs', 2);
    expect(await growth('simd', 2)).toBe(tfjs);
    expect(await growth('simd', 8)).toBe(tfjs);
  });

  it('leaves other backends to tfjs Adam', async () => {
    await tf.setBackend('cpu');
    try {
      const step = async (reference: boolean) => {
        const v = tf.variable(tf.tensor1d([1, -2, 3]));
        const optimizer = tf.train.adam(0.1);
        if (reference) optimizer.applyGradients = (grads) => referenceAdamUpdate(optimizer, grads);
        // The fused kernel is registered for wasm only: calling it here would throw.
        optimizer.minimize(() => tf.sum(tf.square(v)) as tf.Scalar);
        const values = Array.from(await v.data());
        v.dispose();
        optimizer.dispose();
        return values;
      };
      const values = await step(false);
      expect(values).toEqual(await step(true));
      expect(values[0]).toBeCloseTo(0.9, 5);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
