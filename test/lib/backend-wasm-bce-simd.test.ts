import { describe, expect, it } from 'vitest';
import { bceModuleBytes, bceSimdFor } from '../../lib/backend-wasm-bce-simd.ts';

describe('the SIMD binary cross-entropy module', () => {
  it('is valid WebAssembly for a plain and a shared heap, and starts on both', () => {
    expect(WebAssembly.validate(bceModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(bceModuleBytes(true))).toBe(true);
    expect(bceSimdFor(new WebAssembly.Memory({ initial: 1 }))).not.toBeNull();
    expect(bceSimdFor(new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }))).not.toBeNull();
  });

  it('writes g (s - x) for the n floats asked for only', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const f = new Float32Array(memory.buffer);
    // s at floats 0, x at 8, out at 16.
    f.set([0.25, 0.5, 0.75, 1, 9, 9, 9, 9], 0);
    f.set([1, 0, 0.5, 0.3, 9, 9, 9, 9], 8);
    bceSimdFor(memory)!.rowGrad(0, 32, 64, 4, 2);
    expect(Array.from(f.subarray(16, 21))).toEqual([
      -1.5,
      1,
      0.5,
      Math.fround(2 * Math.fround(1 - Math.fround(0.3))),
      0,
    ]);
  });

  it('sums a row of losses: about 4 ln 2 for four logits 0 (s = 1/2)', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const f = new Float32Array(memory.buffer);
    // l = 0 at floats 0, x at 8, s = 1/2 at 16.
    f.set([0.5, 0.5, 0.5, 0.5], 16);
    f.set([1, 0, 0.5, 0.25], 8);
    expect(bceSimdFor(memory)!.rowLoss(0, 32, 64, 4)).toBeCloseTo(4 * Math.LN2, 6);
  });
});
