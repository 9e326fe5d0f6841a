import { describe, expect, it } from 'vitest';
import { createImageSet } from '../../data/images.ts';
import { createRng } from '../../lib/rng.ts';
import { buildTrainingSet, parseScheme, plannedTrainSize, schemeName } from '../../lib/schemes.ts';

// Images of one pixel whose value says where they came from: real = 0, synthetic set k = k.
const tagged = (count: number, tag: number) => createImageSet(new Uint8Array(count).fill(tag), [1, 1, 1]);
const real = tagged(10, 0);
const synthetic = [tagged(10, 1), tagged(10, 2), tagged(10, 3)];
const rng = () => createRng(0, 1);
const histogram = (src: { count: number; gather(i: ArrayLike<number>): Uint8Array }) => {
  const h = [0, 0, 0, 0];
  for (const v of src.gather(Uint32Array.from({ length: src.count }, (_, i) => i))) h[v]++;
  return h;
};

describe('buildTrainingSet', () => {
  it('trains generation 1 on real data under every scheme', () => {
    for (const name of ['replace', 'accumulate', 'sub', 'sub-repl']) {
      const s = buildTrainingSet(parseScheme(name), { real, synthetic: [], rng: rng() });
      expect(histogram(s.source)).toEqual([10, 0, 0, 0]);
      expect(s.realFraction).toBe(1);
    }
  });

  it('replace keeps only the last synthetic set', () => {
    const s = buildTrainingSet(parseScheme('replace'), { real, synthetic, rng: rng() });
    expect(histogram(s.source)).toEqual([0, 0, 0, 10]);
    expect(s.realFraction).toBe(0);
  });

  it('accumulate keeps real data and every synthetic set', () => {
    const s = buildTrainingSet(parseScheme('accumulate'), { real, synthetic, rng: rng() });
    expect(histogram(s.source)).toEqual([10, 10, 10, 10]);
    expect(s.realFraction).toBe(0.25);
  });

  it('sub draws n distinct images from the pool; sub-repl may repeat', () => {
    const sub = buildTrainingSet(parseScheme('sub'), { real, synthetic, rng: rng() });
    expect(sub.source.count).toBe(10);
    const h = histogram(sub.source);
    expect(h.reduce((a, b) => a + b)).toBe(10);
    expect(sub.realFraction).toBe(h[0] / 10);
    // Without replacement from a pool of 40, 10 draws never exceed a group's 10 images.
    expect(Math.max(...h)).toBeLessThanOrEqual(10);
    // Distinct pixel values per image: real 0..39, synthetic 40..79.
    const realBig = createImageSet(Uint8Array.from({ length: 40 }, (_, i) => i), [1, 1, 1]);
    const synthBig = createImageSet(Uint8Array.from({ length: 40 }, (_, i) => 40 + i), [1, 1, 1]);
    const all40 = Uint32Array.from({ length: 40 }, (_, i) => i);
    const distinct = (name: string, seed: number) =>
      new Set(buildTrainingSet(parseScheme(name), { real: realBig, synthetic: [synthBig], rng: createRng(seed) }).source.gather(all40)).size;
    expect(distinct('sub', 5)).toBe(40);
    // 40 draws with replacement from 80: all distinct with probability < 1e-4.
    expect(distinct('sub-repl', 5)).toBeLessThan(40);
  });

  it('is repeatable: the same rng stream draws the same subsample', () => {
    const a = buildTrainingSet(parseScheme('sub-repl'), { real, synthetic, rng: createRng(9, 2) });
    const b = buildTrainingSet(parseScheme('sub-repl'), { real, synthetic, rng: createRng(9, 2) });
    const all = Uint32Array.from({ length: 10 }, (_, i) => i);
    expect(Array.from(a.source.gather(all))).toEqual(Array.from(b.source.gather(all)));
  });

  it('mix keeps the requested share of real images', () => {
    const s = buildTrainingSet(parseScheme('mix', 0.3), { real, synthetic, rng: rng() });
    expect(histogram(s.source)).toEqual([3, 0, 0, 7]);
    expect(s.realFraction).toBe(0.3);
    expect(schemeName(parseScheme('mix', 0.3))).toBe('mix-0.3');
  });

  it('rejects unknown schemes and bad fractions with a clear sentence', () => {
    expect(() => parseScheme('keep')).toThrow(/Scheme 'keep' is not known; expected one of replace, accumulate, sub, sub-repl, mix/);
    expect(() => parseScheme('mix', 1.5)).toThrow(/realFraction 1.5 is not valid; expected a number from 0 to 1/);
    expect(() => parseScheme('mix')).toThrow(/Scheme 'mix' needs realFraction; expected a number from 0 to 1/);
  });

  it('plans training sizes per generation', () => {
    expect(plannedTrainSize(parseScheme('accumulate'), 3, 100, 50)).toBe(200);
    expect(plannedTrainSize(parseScheme('replace'), 3, 100, 50)).toBe(50);
    expect(plannedTrainSize(parseScheme('sub'), 3, 100, 50)).toBe(100);
    expect(plannedTrainSize(parseScheme('replace'), 1, 100, 50)).toBe(100);
  });
});
