import { describe, expect, it } from 'vitest';
import { createImageSet } from '../../data/images.ts';
import { createRng } from '../../lib/rng.ts';
import { buildTrainingSet, freshIndices, parseScheme, plannedTrainSize, schemeName } from '../../lib/schemes.ts';
import type { Scheme } from '../../lib/schemes.ts';
import type { ImageSource } from '../../data/images.ts';

// Images of one pixel whose value says where they came from: real = 0, synthetic set k = k.
const tagged = (count: number, tag: number) => createImageSet(new Uint8Array(count).fill(tag), [1, 1, 1]);
const real = tagged(10, 0);
const synthetic = [tagged(10, 1), tagged(10, 2), tagged(10, 3)];
const rng = () => createRng(0, 1);
const all = (src: ImageSource) => Array.from(src.gather(Uint32Array.from({ length: src.count }, (_, i) => i)));
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
    const realBig = createImageSet(
      Uint8Array.from({ length: 40 }, (_, i) => i),
      [1, 1, 1],
    );
    const synthBig = createImageSet(
      Uint8Array.from({ length: 40 }, (_, i) => 40 + i),
      [1, 1, 1],
    );
    const all40 = Uint32Array.from({ length: 40 }, (_, i) => i);
    const distinct = (name: string, seed: number) =>
      new Set(
        buildTrainingSet(parseScheme(name), {
          real: realBig,
          synthetic: [synthBig],
          rng: createRng(seed),
        }).source.gather(all40),
      ).size;
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
    expect(() => parseScheme('keep')).toThrow(
      /Scheme 'keep' is not known; expected one of replace, accumulate, sub, sub-repl, mix, augment, fresh/,
    );
    expect(() => parseScheme('mix', 1.5)).toThrow(/realFraction 1.5 is not valid; expected a number from 0 to 1/);
    expect(() => parseScheme('mix')).toThrow(/Scheme 'mix' needs realFraction; expected a number from 0 to 1/);
  });

  it('says which images are real: the parts hold the same images as the set, real ones only in the real part', () => {
    const schemes: Scheme[] = ['replace', 'accumulate', 'sub', 'sub-repl'].map((n) => parseScheme(n));
    schemes.push(
      parseScheme('mix', 0.3),
      parseScheme('mix', 0),
      parseScheme('mix', 1),
      parseScheme('augment', { syntheticRatio: 0.5 }),
      parseScheme('fresh', { freshSize: 4 }),
    );
    const pool = tagged(20, 0);
    for (const scheme of schemes) {
      for (const g of [1, 2, 4]) {
        const s = buildTrainingSet(scheme, {
          real,
          synthetic: synthetic.slice(0, g - 1),
          rng: createRng(3, g),
          fresh: { pool, rng: createRng(3) },
        });
        const { real: r, synthetic: y } = s.parts;
        expect([...(r ? all(r) : []), ...(y ? all(y) : [])].sort(), `${schemeName(scheme)} generation ${g}`).toEqual(
          all(s.source).sort(),
        );
        expect(r ? all(r).every((v) => v === 0) : true).toBe(true);
        expect(y ? all(y).every((v) => v > 0) : true).toBe(true);
        expect(s.realFraction).toBe((r?.count ?? 0) / s.source.count);
        // An empty part is absent, not an empty view.
        expect(r?.count ?? 1).toBeGreaterThan(0);
        expect(y?.count ?? 1).toBeGreaterThan(0);
      }
    }
  });

  it('augment: the whole fixed real set every generation plus syntheticRatio times as many of the last samples', () => {
    // Real images with their own values, to see that every generation has the same ones.
    const distinct = createImageSet(
      Uint8Array.from({ length: 10 }, (_, i) => 100 + i),
      [1, 1, 1],
    );
    const scheme = parseScheme('augment', { syntheticRatio: 0.5 });
    expect(schemeName(scheme)).toBe('augment-0.5');
    for (const g of [2, 3, 4]) {
      const s = buildTrainingSet(scheme, {
        real: distinct,
        synthetic: synthetic.slice(0, g - 1),
        rng: createRng(5, g),
      });
      expect(all(s.parts.real!)).toEqual(all(distinct));
      // Five images, all from the last synthetic set (tag g - 1): the real share stays 10/15 (accumulate's falls as 1/g).
      expect(all(s.parts.synthetic!)).toEqual(new Array(5).fill(g - 1));
      expect(s.realFraction).toBeCloseTo(10 / 15, 15);
    }
    expect(plannedTrainSize(parseScheme('augment', { syntheticRatio: 2 }), 3, 100, 500)).toBe(300);
    const big = parseScheme('augment', { syntheticRatio: 2 });
    expect(() => buildTrainingSet(big, { real, synthetic, rng: rng() })).toThrow(
      'Scheme augment-2 needs 20 synthetic images but the last generation has 10; expected a synthetic size of at least 20.',
    );
  });

  it('rejects an augment scheme without a positive syntheticRatio', () => {
    expect(() => parseScheme('augment')).toThrow(
      "Scheme 'augment' needs syntheticRatio; expected a positive number (synthetic images per real image).",
    );
    expect(() => parseScheme('augment', { syntheticRatio: 0 })).toThrow(/syntheticRatio/);
    expect(() => parseScheme('augment', { syntheticRatio: -1 })).toThrow(/syntheticRatio/);
  });

  it('fresh: generation g trains on freshSize new pool images plus the last synthetic set', () => {
    const pool = tagged(30, 9);
    const scheme = parseScheme('fresh', { freshSize: 5 });
    expect(schemeName(scheme)).toBe('fresh-5');
    const first = buildTrainingSet(scheme, { real, synthetic: [], rng: rng(), fresh: { pool, rng: createRng(0) } });
    expect(histogram(first.source)).toEqual([10, 0, 0, 0]);
    const s = buildTrainingSet(scheme, {
      real,
      synthetic: synthetic.slice(0, 2),
      rng: rng(),
      fresh: { pool, rng: createRng(0) },
    });
    expect(s.source.count).toBe(15);
    expect(s.realFraction).toBe(5 / 15);
    expect(all(s.parts.real!)).toEqual([9, 9, 9, 9, 9]);
    expect(all(s.parts.synthetic!)).toEqual(all(synthetic[1]));
    expect(() => buildTrainingSet(scheme, { real, synthetic, rng: rng() })).toThrow(
      /needs a pool of fresh real images/,
    );
  });

  it('fresh: no real image is used twice in a run, and the same seed draws the same images', () => {
    // Every real image carries its own index as its two pixels (high, low byte): 0..99 generation 1's, 100..5099 the pool.
    const ids = (from: number, count: number) =>
      createImageSet(
        Uint8Array.from({ length: 2 * count }, (_, i) =>
          i % 2 === 0 ? (from + (i >> 1)) >> 8 : (from + (i >> 1)) & 255,
        ),
        [1, 1, 2],
      );
    const first = ids(0, 100);
    const pool = ids(100, 5000);
    const fake = createImageSet(new Uint8Array(2 * 100).fill(255), [1, 1, 2]);
    const scheme = parseScheme('fresh', { freshSize: 100 });
    const used = (seed: number, generations: number) => {
      const out: number[] = [];
      for (let g = 1; g <= generations; g++) {
        const s = buildTrainingSet(scheme, {
          real: first,
          synthetic: Array.from({ length: g - 1 }, () => fake),
          rng: createRng(seed, g),
          fresh: { pool, rng: createRng(seed, 9) },
        });
        const px = all(s.parts.real!);
        for (let i = 0; i < px.length; i += 2) out.push(px[i] * 256 + px[i + 1]);
      }
      return out;
    };
    const run = used(7, 51);
    expect(run).toHaveLength(51 * 100);
    // 51 generations use every one of the 5100 real images exactly once.
    expect(new Set(run).size).toBe(5100);
    expect(run.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(used(7, 3)).toEqual(run.slice(0, 300));
    expect(used(8, 3).slice(100)).not.toEqual(run.slice(100, 300));
  });

  it('fresh: the pool indices of generations 2, 3, ... are disjoint blocks of one seeded order, and running out is one sentence', () => {
    const shared = createRng(1, 9);
    const seen = new Set<number>();
    for (let g = 2; g <= 60; g++) {
      // The same Rng object every generation, advanced in between: the order must not depend on it.
      shared.uniform();
      const idx = freshIndices(1000, g, 60000, shared);
      expect(idx).toHaveLength(1000);
      for (const i of idx) seen.add(i);
    }
    expect(seen.size).toBe(59000);
    expect(Math.max(...seen)).toBeLessThan(60000);
    expect(() => freshIndices(1000, 62, 60000, shared)).toThrow(
      /Generation 62 of scheme fresh-1000 needs 61000 fresh real images in all but the pool holds 60000; expected at most 61 generations/,
    );
  });

  it('rejects a fresh scheme without a positive integer freshSize', () => {
    expect(() => parseScheme('fresh')).toThrow(/Scheme 'fresh' needs freshSize; expected a positive integer/);
    expect(() => parseScheme('fresh', { freshSize: 0 })).toThrow(
      /freshSize 0 is not valid; expected a positive integer/,
    );
    expect(() => parseScheme('fresh', { freshSize: 2.5 })).toThrow(/freshSize 2.5 is not valid/);
  });

  it('plans training sizes per generation', () => {
    expect(plannedTrainSize(parseScheme('fresh', { freshSize: 30 }), 1, 100, 50)).toBe(100);
    expect(plannedTrainSize(parseScheme('fresh', { freshSize: 30 }), 4, 100, 50)).toBe(80);
    expect(plannedTrainSize(parseScheme('accumulate'), 3, 100, 50)).toBe(200);
    expect(plannedTrainSize(parseScheme('replace'), 3, 100, 50)).toBe(50);
    expect(plannedTrainSize(parseScheme('sub'), 3, 100, 50)).toBe(100);
    expect(plannedTrainSize(parseScheme('replace'), 1, 100, 50)).toBe(100);
  });
});
