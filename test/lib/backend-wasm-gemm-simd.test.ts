import { describe, expect, it } from 'vitest';
import { gemmColumns, gemmFor, gemmModuleBytes } from '../../lib/backend-wasm-gemm-simd.ts';
import type { Gemm } from '../../lib/backend-wasm-gemm-simd.ts';

/** Values of very different sizes (seeded), so that another order of the additions would change the sums. */
function spread(count: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * Math.exp((s % 17) - 8);
  });
}

interface Case {
  m: number;
  n: number;
  k: number;
  transposeA?: boolean;
  bias?: boolean;
  relu?: boolean;
}

/**
 * Runs gemm (and gemmColumns for the last n % 4 columns) on a fresh heap, and the whole product with gemmColumns
 * alone; returns both outputs and what lies after the SIMD output.
 */
function run(c: Case): { simd: Float32Array; scalar: Float32Array; after: number } {
  const { m, n, k } = c;
  const memory = new WebAssembly.Memory({ initial: 8 });
  const gemm = gemmFor(memory)!;
  const heap = new Float32Array(memory.buffer);
  const [a, b, bias] = [64, 128 + 4 * m * k, 192 + 4 * (m + n) * k];
  const [out, ref] = [bias + 4 * n + 64, bias + 4 * n + 4 * m * n + 128];
  heap.set(spread(m * k, 1), a / 4);
  heap.set(spread(k * n, 2), b / 4);
  heap.set(spread(n, 3), bias / 4);
  heap.fill(7, out / 4, out / 4 + m * n + 1);
  const args = (to: number): Parameters<Gemm> => [
    a,
    c.transposeA ? 4 : 4 * k,
    c.transposeA ? 4 * m : 4,
    b,
    4 * n,
    to,
    4 * n,
    c.bias ? bias : 0,
    m,
    n,
    k,
    c.relu ? 1 : 0,
  ];
  gemm(...args(out));
  gemmColumns(heap, args(out), n - (n % 4));
  gemmColumns(heap, args(ref), 0);
  return {
    simd: heap.slice(out / 4, out / 4 + m * n),
    scalar: heap.slice(ref / 4, ref / 4 + m * n),
    after: heap[out / 4 + m * n],
  };
}

const identical = (x: ArrayLike<number>, y: ArrayLike<number>) =>
  x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));

describe('the SIMD matrix multiply module', () => {
  it('is valid WebAssembly for a plain and a shared heap', () => {
    expect(WebAssembly.validate(gemmModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(gemmModuleBytes(true))).toBe(true);
  });

  it('multiplies a small product exactly, with bias and relu, on a plain and a shared heap', () => {
    for (const memory of [
      new WebAssembly.Memory({ initial: 1 }),
      new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }),
    ]) {
      const gemm = gemmFor(memory)!;
      expect(gemm).not.toBeNull();
      const f = new Float32Array(memory.buffer);
      // A [1 x 2] at float 0, B [2 x 8] at 8, bias at 24, C at 32.
      f.set([2, -1], 0);
      f.set([1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, 50, 60, 70, 80], 8);
      f.set([0.5, 0.5, 0.5, 0.5, -100, 0, 0, 0], 24);
      gemm(0, 8, 4, 32, 32, 128, 32, 96, 1, 8, 2, 1);
      expect(Array.from(f.slice(32, 40))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      gemm(0, 8, 4, 32, 32, 128, 32, 96, 1, 8, 2, 0);
      expect(Array.from(f.slice(32, 40))).toEqual([-7.5, -15.5, -23.5, -31.5, -140, -48, -56, -64]);
    }
  });

  it('gets the bits of the float32 operations in order along k, for every tile and edge', () => {
    const cases: Case[] = [
      { m: 4, n: 8, k: 3 },
      { m: 128, n: 20, k: 400, bias: true },
      { m: 5, n: 13, k: 7, bias: true, relu: true },
      { m: 9, n: 12, k: 1, relu: true },
      { m: 1, n: 3, k: 5, bias: true },
      { m: 7, n: 16, k: 33, transposeA: true, bias: true, relu: true },
      { m: 6, n: 21, k: 9 },
      { m: 13, n: 10, k: 8, transposeA: true, relu: true },
    ];
    for (const c of cases) {
      const r = run(c);
      expect(identical(r.simd, r.scalar), JSON.stringify(c)).toBe(true);
      expect(r.after, JSON.stringify(c)).toBe(7);
    }
  });

  it('writes the bias alone for k = 0 and nothing for m = 0', () => {
    const r = run({ m: 4, n: 8, k: 0, bias: true });
    expect(identical(r.simd, r.scalar)).toBe(true);
    expect(r.simd[0]).toBe(Math.fround(spread(8, 3)[0]));
    expect(run({ m: 0, n: 8, k: 3 }).after).toBe(7);
  });
});
