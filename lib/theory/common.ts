/**
 * What the three theory simulators (Gaussian, linear and logistic regression) share: the scheme
 * names, the per-generation curves they report, and the statistics that turn per-trial records
 * into those curves.
 */

/**
 * How generation g >= 2's training set is built (survey §4, Fig. 5 and 6a):
 * `replace` trains on the last generation's samples only; `accumulate` ("aug") on the real data
 * plus every synthetic set so far; `sub` and `sub-repl` draw T rows from that accumulated pool
 * without / with replacement. Generation 1 always trains on the real data.
 */
export type TheoryScheme = 'replace' | 'accumulate' | 'sub' | 'sub-repl';

export const THEORY_SCHEMES: readonly TheoryScheme[] = ['replace', 'accumulate', 'sub', 'sub-repl'];

/** One quantity per generation (index 0 is generation 1). */
export interface Curve {
  /** The Monte Carlo estimate across trials. */
  readonly sim: number[];
  /** Its standard error across trials (delta method for ratios). */
  readonly se: number[];
  /** The closed form, or null where none exists for these options. */
  readonly theory: (number | null)[];
  /**
   * Named approximate closed forms beside it (e.g. ridge's low-dimensional and random-matrix forms of
   * eq. (3)), null where one does not apply; empty when the metric has none.
   */
  readonly forms: Readonly<Record<string, (number | null)[]>>;
}

/** Called as trials finish: `done` of `total`. */
export type ProgressCallback = (done: number, total: number) => void;

/** Options every simulator takes besides its model's own. */
export interface TrialRunOptions {
  /** Independent repetitions of the whole G-generation run. Defaults to 1000. */
  trials?: number;
  /** Seed of every random stream; trial t draws from `createRng(seed, t, ...)`. Defaults to 0. */
  seed?: number;
  /**
   * Worker threads to spread trials over; 1 runs in the calling thread. Results do not depend on it.
   * Defaults to the number of cores (capped so each worker gets at least 64 trials).
   */
  workers?: number;
  /** Progress as trials finish. */
  onProgress?: ProgressCallback;
}

/** Σ_{i<=k} 1/i², the accumulate factor of eq. (6); tends to π²/6 ≈ 1.6449. */
export function basel(k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += 1 / (i * i);
  return s;
}

/** [f(1), ..., f(generations)]. */
export function perGeneration<T>(generations: number, f: (g: number) => T): T[] {
  return Array.from({ length: generations }, (_, i) => f(i + 1));
}

/**
 * Per-trial records laid out as `trials` rows of `stride` numbers; each generation occupies
 * `width` numbers starting at `(g - 1) * width`. These helpers read one field across trials.
 */
export interface Records {
  readonly data: Float64Array;
  readonly trials: number;
  readonly stride: number;
  readonly width: number;
}

function field(r: Records, g: number, offset: number): Float64Array {
  const out = new Float64Array(r.trials);
  const base = (g - 1) * r.width + offset;
  for (let t = 0; t < r.trials; t++) out[t] = r.data[t * r.stride + base];
  return out;
}

/** Mean across trials of field `offset` at generation g, and its standard error. */
export function meanOf(r: Records, g: number, offset: number): { mean: number; se: number } {
  const v = field(r, g, offset);
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - m) ** 2;
  return { mean: m, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN };
}

/** Median across trials of field `offset` at generation g. */
export function medianOf(r: Records, g: number, offset: number): number {
  const v = field(r, g, offset).sort();
  const n = v.length;
  return n % 2 === 1 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/**
 * Per trial, the squared distance of the `dim`-vector at (g, offset) from its across-trial mean:
 * averaging these gives tr Cov (times (n-1)/n).
 */
function spread(r: Records, g: number, offset: number, dim: number): Float64Array {
  const base = (g - 1) * r.width + offset;
  const mean = new Float64Array(dim);
  for (let t = 0; t < r.trials; t++) {
    for (let j = 0; j < dim; j++) mean[j] += r.data[t * r.stride + base + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= r.trials;
  const out = new Float64Array(r.trials);
  for (let t = 0; t < r.trials; t++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (r.data[t * r.stride + base + j] - mean[j]) ** 2;
    out[t] = s;
  }
  return out;
}

/**
 * tr Cov(v_g) / tr Cov(v_1) across trials for the `dim`-vector stored at `offset` (the survey's
 * Var(ŵ_k)/Var(ŵ_1), Fig. 6), with a delta-method standard error: R = mean(a)/mean(b), so
 * se(R) ≈ sd(a - R b) / (sqrt(n) mean(b)).
 */
export function varianceRatioOf(r: Records, g: number, offset: number, dim: number): { ratio: number; se: number } {
  const a = spread(r, g, offset, dim);
  const b = spread(r, 1, offset, dim);
  const n = r.trials;
  let ma = 0;
  let mb = 0;
  for (let t = 0; t < n; t++) {
    ma += a[t];
    mb += b[t];
  }
  ma /= n;
  mb /= n;
  if (!(mb > 0)) return { ratio: NaN, se: NaN };
  const ratio = ma / mb;
  let ss = 0;
  for (let t = 0; t < n; t++) ss += (a[t] - ratio * b[t]) ** 2;
  return { ratio, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) / mb : NaN };
}

/** A simulated curve before its closed form is attached: estimate and standard error per generation. */
export interface Estimate {
  readonly sim: number[];
  /** Omitted where there is none (e.g. a median): the curve's `se` is then NaN. */
  readonly se?: number[];
}

const generationsOf = (r: Records): number => r.stride / r.width;

/** Per generation, the mean across trials of field `offset` and its standard error. */
export function meanEstimate(r: Records, offset: number): Estimate {
  const m = perGeneration(generationsOf(r), (g) => meanOf(r, g, offset));
  return { sim: m.map((x) => x.mean), se: m.map((x) => x.se) };
}

/**
 * Per generation, the variance across trials of field `offset`, with the standard error of a sample
 * variance, sqrt((m4 - s⁴)/n) (m4 the fourth central moment).
 */
export function varianceEstimate(r: Records, offset: number): Estimate {
  const m = perGeneration(generationsOf(r), (g) => {
    const v = field(r, g, offset);
    const n = v.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += v[i];
    mean /= n;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < n; i++) {
      const e = (v[i] - mean) ** 2;
      m2 += e;
      m4 += e * e;
    }
    const s2 = m2 / (n - 1);
    return { v: s2, se: Math.sqrt(Math.max(m4 / n - s2 * s2, 0) / n) };
  });
  return { sim: m.map((x) => x.v), se: m.map((x) => x.se) };
}

/** Per generation, the variance ratio of the `dim`-vector at `offset` (see varianceRatioOf) and its standard error. */
export function ratioEstimate(r: Records, offset: number, dim: number): Estimate {
  const m = perGeneration(generationsOf(r), (g) => varianceRatioOf(r, g, offset, dim));
  return { sim: m.map((x) => x.ratio), se: m.map((x) => x.se) };
}

/** Per generation, the median across trials of field `offset` (no standard error). */
export function medianEstimate(r: Records, offset: number): Estimate {
  return { sim: perGeneration(generationsOf(r), (g) => medianOf(r, g, offset)) };
}

export function assertNever(x: never): never {
  throw new Error(`Unexpected value ${String(x)}.`);
}
