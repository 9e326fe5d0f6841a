import { describe, expect, it } from 'vitest';
import { createRng, tfSeed } from '../../lib/rng.ts';

describe('createRng', () => {
  it('gives the same stream for the same seed and path', () => {
    const a = createRng(7, 2, 3);
    const b = createRng(7, 2, 3);
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
  });

  it('gives different streams for different paths and seeds', () => {
    const draws = (r: ReturnType<typeof createRng>) => Array.from({ length: 8 }, () => r.uniform());
    expect(draws(createRng(7, 2, 3))).not.toEqual(draws(createRng(7, 3, 2)));
    expect(draws(createRng(7, 2))).not.toEqual(draws(createRng(8, 2)));
    expect(draws(createRng(7).child(1))).toEqual(draws(createRng(7, 1)));
  });

  it('draws uniforms in [0, 1) with mean 1/2 and normals with mean 0 and variance 1', () => {
    const r = createRng(1);
    const n = 50_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('permutes and chooses without repeats, or with repeats when asked', () => {
    const r = createRng(3);
    const p = r.permutation(1000);
    expect(new Set(p).size).toBe(1000);
    expect(Math.max(...p)).toBe(999);
    const c = r.choose(1_000_000, 500, false);
    expect(new Set(c).size).toBe(500);
    expect(Math.max(...c)).toBeLessThan(1_000_000);
    const w = r.choose(10, 1000, true);
    expect(new Set(w).size).toBeLessThanOrEqual(10);
    expect(() => r.choose(5, 6, false)).toThrow(/Cannot draw 6 distinct items from 5/);
  });

  it('never hands tfjs a seed of 0, which tfjs would treat as unseeded', () => {
    expect(tfSeed(0)).toBe(1);
    expect(tfSeed(2147483646)).toBe(1);
    expect(tfSeed(-1)).toBeGreaterThan(0);
    const r = createRng(0);
    for (let i = 0; i < 1000; i++) expect(r.seed()).toBeGreaterThan(0);
  });

  it('rejects a bad seed with a clear message', () => {
    expect(() => createRng(-1)).toThrow(/Seed -1 must be a non-negative integer/);
    expect(() => createRng(1.5)).toThrow(/Seed 1.5/);
  });
});
