import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import { colSumFor, setColumnSumSimd, sumModuleBytes } from '../../lib/backend-wasm-sum.ts';

// The kernel replaces the wasm one only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(() => setColumnSumSimd(true));

/** Values of very different sizes, so that another order of the additions would change the sums. */
function spread(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), tf.exp(tf.randomUniform(shape, -8, 8, 'float32', seed + 1))),
  );
}

/** The sum over the first k axes, and the package's own route to it: transpose, then sum the innermost axis. */
async function bothWays(shape: number[], axis: number | number[], k: number, keepDims = false) {
  const x = spread(shape, shape.length * 31 + shape[0]);
  const ours = tf.sum(x, axis, keepDims);
  const perm = [...shape.keys()].map((i) => (i + k) % shape.length);
  const theirs = tf.tidy(() => {
    const moved = tf.transpose(x, perm);
    const flat = tf.reshape(moved, [-1, shape.slice(0, k).reduce((p, d) => p * d, 1)]);
    return tf.sum(flat, -1);
  });
  const result = { shape: ours.shape, ours: await ours.data(), theirs: await theirs.data() };
  tf.dispose([x, ours, theirs]);
  return result;
}

const identical = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe('Sum over leading axes on wasm', () => {
  it('sums a bias gradient [128, 784] over the batch bit for bit as the package does', async () => {
    expect(tf.getKernel('Sum', 'wasm')!.kernelFunc.name).toBe('leadingAxesSum');
    const r = await bothWays([128, 784], 0, 1);
    expect(r.shape).toEqual([784]);
    expect(identical(r.ours, r.theirs)).toBe(true);
  });

  it('does the same for two leading axes, a negative axis, keepDims and widths that are not a multiple of 4', async () => {
    for (const [shape, axis, k, keep] of [
      [[1, 128, 400], [0, 1], 2, false],
      [[6, 7], -2, 1, false],
      [[5, 3, 10], [1, 0], 2, true],
      [[33, 1], 0, 1, false],
    ] as [number[], number | number[], number, boolean][]) {
      const r = await bothWays(shape, axis, k, keep);
      expect(r.shape).toEqual(keep ? [...Array(k).fill(1), ...shape.slice(k)] : shape.slice(k));
      expect(identical(r.ours, r.theirs)).toBe(true);
    }
  });

  it('gets the same bits from its JavaScript loop as from its SIMD function', async () => {
    const simd = await bothWays([64, 20], 0, 1);
    setColumnSumSimd(false);
    const plain = await bothWays([64, 20], 0, 1);
    expect(identical(simd.ours, plain.ours)).toBe(true);
    expect(identical(plain.ours, plain.theirs)).toBe(true);
  });

  it('leaves other reductions to the package: inner axes, all axes, int32', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const inner = tf.sum(x, 1);
    const all = tf.sum(x);
    const ints = tf.sum(tf.cast(x, 'int32'), 0);
    expect(Array.from(await inner.data())).toEqual([4, 6, 12, 14]);
    expect(Array.from(await all.data())).toEqual([36]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([6, 8, 10, 12]);
    tf.dispose([x, inner, all, ints]);
  });

  it('is a valid module for a plain and a shared heap, and adds only the columns asked for', () => {
    expect(WebAssembly.validate(sumModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(sumModuleBytes(true))).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const f = new Float32Array(memory.buffer);
    // Two rows of 6 floats at 0 (stride 24 bytes); output at float 16, with a sentinel after 4 columns.
    f.set([1, 2, 3, 4, 50, 60, 10, 20, 30, 40, 50, 60], 0);
    f.set([9, 9, 9, 9, 7], 16);
    colSumFor(memory)!(0, 64, 2, 4, 24);
    expect(Array.from(f.subarray(16, 21))).toEqual([11, 22, 33, 44, 7]);
  });
});
