/**
 * Seeded, counter-based randomness. A stream is named by the run's seed and a path of integers
 * (generation, epoch, step, ...) so any stream can be rebuilt from its name alone: a resumed run
 * draws exactly what an uninterrupted one drew, without replaying earlier draws.
 */

/** A stream of random numbers. Every method advances the stream. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** An integer in [1, 2^31 - 1] for tfjs ops that take a `seed` (tfjs treats 0 as 'no seed'). */
  seed(): number;
  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array;
  /** `k` distinct indices from 0..n-1 (without replacement), or with repeats when `replacement`. */
  choose(n: number, k: number, replacement: boolean): Uint32Array;
  /** An independent stream named by this stream's name plus `path`. */
  child(...path: number[]): Rng;
}

/** Named stream labels, so that call sites say what a stream is for. */
export const Stream = {
  init: 1,
  shuffle: 2,
  noise: 3,
  sample: 4,
  scheme: 5,
  eval: 6,
  fixed: 7,
  analysis: 8,
  /** The fresh scheme's order of its pool: one stream for the whole run (no generation in its name). */
  fresh: 9,
  /** The subsamples the per-source training losses are measured on. */
  sourceLoss: 10,
} as const;

/** splitmix32-style finaliser: a bijective 32-bit mix with good avalanche. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

function hashPath(path: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const p of path) {
    if (!Number.isInteger(p)) throw new Error(`Random stream path element ${p} must be an integer.`);
    // Fold in both 32-bit halves so seeds above 2^32 still differ.
    h = mix32(h ^ mix32((p >>> 0) + 0x7f4a7c15));
    h = mix32(h ^ Math.floor(p / 4294967296));
  }
  return h;
}

/**
 * Maps any integer to a seed tfjs honours: tfjs's random ops fall back to Math.random when the
 * seed is 0 (falsy), so 0 must never reach them.
 */
export function tfSeed(n: number): number {
  return ((n >>> 0) % 2147483646) + 1;
}

/** A stream for `seed` and an optional path, e.g. `createRng(seed, generation, Stream.shuffle, epoch)`. */
export function createRng(seed: number, ...path: number[]): Rng {
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(`Seed ${seed} must be a non-negative integer.`);
  }
  return makeStream([seed, ...path]);
}

function makeStream(path: number[]): Rng {
  // sfc32 state seeded from the path hash; 12 warm-up rounds decorrelate neighbouring paths.
  let a = hashPath(path);
  let b = mix32(a ^ 0x85ebca6b);
  let c = mix32(b ^ 0xc2b2ae35);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const rng: Rng = {
    uniform: () => next() / 4294967296,
    int(n) {
      if (!(Number.isInteger(n) && n > 0)) throw new Error(`Rng.int needs a positive integer bound, got ${n}.`);
      return Math.floor((next() / 4294967296) * n);
    },
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const u = 1 - next() / 4294967296;
      const v = next() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    seed: () => tfSeed(next()),
    permutation(n) {
      const p = new Uint32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
    choose(n, k, replacement) {
      if (!replacement && k > n)
        throw new Error(`Cannot draw ${k} distinct items from ${n}; expected k <= n without replacement.`);
      const out = new Uint32Array(k);
      if (replacement) {
        for (let i = 0; i < k; i++) out[i] = rng.int(n);
        return out;
      }
      // Partial Fisher-Yates over a sparse map: O(k) memory even when n is large.
      const swapped = new Map<number, number>();
      for (let i = 0; i < k; i++) {
        const j = i + rng.int(n - i);
        const vi = swapped.get(i) ?? i;
        const vj = swapped.get(j) ?? j;
        out[i] = vj;
        swapped.set(j, vi);
      }
      return out;
    },
    child: (...more) => makeStream([...path, ...more]),
  };
  return rng;
}
