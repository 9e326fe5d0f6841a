import { describe, expect, it } from 'vitest';
import { adamModuleBytes, adamSimdFor } from '../../lib/backend-wasm-adam-simd.ts';

describe('the SIMD Adam module', () => {
  it('is valid WebAssembly for a plain and a shared heap', () => {
    expect(WebAssembly.validate(adamModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(adamModuleBytes(true))).toBe(true);
  });

  it('computes one Adam step in place of the float32 operations', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const adam = adamSimdFor(memory);
    expect(adam).not.toBeNull();
    const f = new Float32Array(memory.buffer);
    // w, m, v, g at floats 0, 8, 16, 24; outputs at 32, 40, 48.
    f.set([1, -2, 3, 0.5, 7, 7, 7, 7], 0);
    f.set([0.1, 0.2, -0.3, 0, 9, 9, 9, 9], 8);
    f.set([0.01, 0.02, 0.03, 0, 9, 9, 9, 9], 16);
    f.set([1, -1, 0.25, 1e-20, 9, 9, 9, 9], 24);
    const fr = Math.fround;
    const [a1, a2, b1, c1, b2, c2, eps, negLr] = [0.19, 0.002, 0.9, 0.1, 0.999, 0.001, 1e-7, -0.001].map(fr);
    adam!(0, 32, 64, 96, 128, 160, 192, 4, a1, a2, b1, c1, b2, c2, eps, negLr);
    for (let i = 0; i < 4; i++) {
      const g = f[24 + i];
      const m = fr(fr(f[8 + i] * b1) + fr(g * c1));
      const v = fr(fr(f[16 + i] * b2) + fr(fr(g * g) * c2));
      expect(f[40 + i]).toBe(m);
      expect(f[48 + i]).toBe(v);
      expect(f[32 + i]).toBe(fr(fr(fr(fr(m / a1) / fr(fr(Math.sqrt(fr(v / a2))) + eps)) * negLr) + f[i]));
    }
    // Only the n = 4 floats asked for were written.
    expect(f[36]).toBe(0);
  });
});
