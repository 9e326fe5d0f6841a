import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';

// The kernels replace the wasm ones only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});

describe('Identity and Cast on wasm', () => {
  it('a clone keeps its values after the original is disposed, and frees its memory when disposed', async () => {
    const before = tf.memory();
    const x = tf.tensor2d([1.5, -2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1.5, -2, 3, 4]);
    expect(Array.from(await z.data())).toEqual([1.5, -2, 3, 4]);
    tf.dispose([y, z]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('a cast to another type still converts', async () => {
    const x = tf.tensor1d([1.7, -2.2, 0]);
    const i = tf.cast(x, 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.data())).toEqual([1, -2, 0]);
    tf.dispose([x, i]);
  });

  it('gradients through clone are unchanged', async () => {
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clone(v), v)));
    const x = tf.tensor1d([1, 2, 3]);
    const dx = g(x);
    expect(Array.from(await dx.data())).toEqual([2, 4, 6]);
    tf.dispose([x, dx]);
  });
});
