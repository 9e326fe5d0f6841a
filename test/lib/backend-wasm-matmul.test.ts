import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import { setSimdMatMul, simdRoute } from '../../lib/backend-wasm-gemm.ts';

// The kernel replaces the wasm one only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});

/** The product with tfjs's transpose flags, and the same product with the operands transposed beforehand. */
function bothWays(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const a = tf.randomNormal(aShape, 0, 1, 'float32', 1);
    const b = tf.randomNormal(bShape, 0, 1, 'float32', 2);
    const swap = (t: tf.Tensor) =>
      tf.transpose(
        t,
        [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i)),
      );
    const flagged = tf.matMul(a, b, transposeA, transposeB);
    const explicit = tf.matMul(transposeA ? swap(a) : a, transposeB ? swap(b) : b);
    return [flagged.dataSync() as Float32Array, explicit.dataSync() as Float32Array];
  });
}

describe('BatchMatMul with transposed operands on wasm, on the routes kept for products without the SIMD route', () => {
  beforeEach(() => setSimdMatMul(false));
  afterEach(() => setSimdMatMul(true));

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

/** Values of very different sizes, so that another order of the additions would change the sums. */
function spread(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), tf.exp(tf.randomUniform(shape, -4, 4, 'float32', seed + 1))),
  );
}

interface Case {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  activation?: 'linear' | 'relu';
}

/** The product (fused when there is a bias or an activation) with the SIMD route on or off. */
async function withSimd(c: Case, on: boolean): Promise<{ shape: number[]; values: Float32Array }> {
  setSimdMatMul(on);
  try {
    const a = spread(c.a, 3);
    const b = spread(c.b, 5);
    const n = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
    const bias = c.bias ? spread([n], 7) : undefined;
    const [tA, tB] = [!!c.transposeA, !!c.transposeB];
    const out =
      c.bias || c.activation
        ? tf.fused.matMul({ a, b, transposeA: tA, transposeB: tB, bias, activation: c.activation })
        : tf.matMul(a, b, tA, tB);
    const result = { shape: out.shape, values: (await out.data()) as Float32Array };
    tf.dispose([a, b, out, ...(bias ? [bias] : [])]);
    return result;
  } finally {
    setSimdMatMul(true);
  }
}

const identical = (x: ArrayLike<number>, y: ArrayLike<number>) =>
  x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));

/** Each product with the SIMD route has the shape and the bits it has on the package's route. */
async function expectPackageBits(cases: Case[]): Promise<void> {
  for (const c of cases) {
    const [ours, theirs] = [await withSimd(c, true), await withSimd(c, false)];
    expect(ours.shape, JSON.stringify(c)).toEqual(theirs.shape);
    expect(identical(ours.values, theirs.values), JSON.stringify(c)).toBe(true);
  }
}

describe('matrix products through the SIMD route on wasm', () => {
  it('is registered for BatchMatMul and _FusedMatMul', () => {
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc.name).toBe('untransposedMatMul');
    expect(tf.getKernel('_FusedMatMul', 'wasm')!.kernelFunc.name).toBe('simdFusedMatMul');
  });

  it("takes the SIMD route for the dense VAE's products and not for batches, a^T b^T, thin or small products", () => {
    expect(simdRoute([128, 784], [784, 400], false, false, [400])).toEqual({ m: 128, n: 400, k: 784 });
    expect(simdRoute([128, 784], [128, 400], true, false)).toEqual({ m: 784, n: 400, k: 128 });
    expect(simdRoute([1, 128, 20], [1, 400, 20], false, true)).toEqual({ m: 128, n: 400, k: 20 });
    expect(simdRoute([2, 128, 20], [2, 20, 400], false, false)).toBeNull();
    expect(simdRoute([128, 20], [400, 128], true, true)).toBeNull();
    expect(simdRoute([128, 400], [400, 4], false, false)).toBeNull();
    expect(simdRoute([8, 8], [8, 8], false, false)).toBeNull();
    expect(simdRoute([128, 784], [784, 400], false, false, [1])).toBeNull();
  });

  it("gives the package's numbers bit for bit for every product of the dense VAE's step", async () => {
    const cases: Case[] = [
      { a: [128, 784], b: [784, 400] },
      { a: [128, 400], b: [400, 784] },
      { a: [128, 400], b: [400, 20] },
      { a: [128, 20], b: [20, 400] },
      { a: [128, 784], b: [128, 400], transposeA: true },
      { a: [128, 20], b: [128, 400], transposeA: true },
      { a: [128, 784], b: [400, 784], transposeB: true },
      { a: [128, 400], b: [20, 400], transposeB: true },
      { a: [128, 20], b: [400, 20], transposeB: true },
      { a: [1, 128, 400], b: [1, 400, 784], bias: true },
      { a: [1, 128, 784], b: [1, 784, 400], bias: true, activation: 'relu' },
      { a: [1, 128, 400], b: [1, 400, 20], bias: true },
      { a: [1, 128, 20], b: [1, 20, 400], bias: true, activation: 'relu' },
    ];
    await expectPackageBits(cases);
  });

  it('does the same for sizes that are not multiples of the tiles, and keeps the other routes', async () => {
    const cases: Case[] = [
      { a: [37, 51], b: [51, 45] },
      { a: [1, 300], b: [300, 129] },
      { a: [130, 1], b: [1, 300] },
      { a: [45, 37], b: [45, 53], transposeA: true },
      { a: [9, 70], b: [65, 70], transposeB: true },
      { a: [70, 65], b: [11, 65], transposeB: true },
      { a: [1, 37, 60], b: [1, 60, 50], bias: true, activation: 'relu' },
      { a: [1, 37, 60], b: [1, 50, 60], transposeB: true, bias: true },
      { a: [1, 60, 37], b: [1, 60, 50], transposeA: true, activation: 'relu' },
      { a: [2, 30, 40], b: [2, 40, 50] },
      { a: [40, 30], b: [50, 40], transposeA: true, transposeB: true },
      { a: [3, 4], b: [4, 5] },
    ];
    await expectPackageBits(cases);
  });

  it('leaves no tensor and no backend data behind (the transposed b of a b^T included)', async () => {
    const before = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
    await withSimd({ a: [128, 784], b: [400, 784], transposeB: true }, true);
    await withSimd({ a: [128, 20], b: [400, 20], transposeB: true }, true);
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual(before);
  });
});
