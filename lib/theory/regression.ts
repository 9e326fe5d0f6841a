/**
 * Linear regression fitted on its own predictions (survey §3.2 and §4.1; Gerstgrasser et al. 2024,
 * Dohmatob, Feng and Kempe 2024). Features x ~ N(0, Σ) with Σ diagonal, truth w*, noise σ.
 * Generation 1 fits real labels X w* + E_1; generation k >= 2 fits labels X_k ŵ_{k-1} + E_k, with
 * X_k = X (fixed design) or a fresh draw, and a training set built by the scheme.
 * Fit(X, Y) = (XᵀX + λ n I)⁻¹ XᵀY over the n rows of the training set, i.e. the survey's
 * R XᵀY / n with R = (Σ̂ + λI)⁻¹; λ = 0 is least squares.
 */
import { createRng, Stream } from '../rng.ts';
import type { Rng } from '../rng.ts';
import {
  assertNever,
  basel,
  checkInteger,
  checkNumber,
  checkScheme,
  meanOf,
  perGeneration,
  stripUndefined,
  varianceRatioOf,
} from './common.ts';
import type { Curve, TheoryScheme, TrialRunOptions } from './common.ts';
import { addOuterUpper, solveSymmetric, symmetrize } from './linalg.ts';
import { defaultWorkers, runTrials } from './trials.ts';

/** `fixed`: one design X per trial, reused by every generation (the survey's setting); `fresh`: a new X_k each generation. */
export type Design = 'fixed' | 'fresh';

export interface RegressionOptions extends TrialRunOptions {
  /** How generation k >= 2's training set is built. Defaults to 'accumulate'. */
  scheme?: TheoryScheme;
  /** Number of features. Defaults to 10. */
  d?: number;
  /** Rows per generation; at least d + 2 (the under-parameterized regime of eq. (5)-(6)). Defaults to 100. */
  T?: number;
  /** Label noise standard deviation, the same every generation. Defaults to 1. */
  sigma?: number;
  /** Generations, the first fitted on real labels. Defaults to 10. */
  generations?: number;
  /** Ridge penalty λ >= 0; 0 is least squares. Defaults to 0. */
  lambda?: number;
  /** Diagonal of the feature covariance Σ, d positive numbers. Defaults to the identity. */
  covariance?: readonly number[];
  /** Fixed or fresh design. Defaults to 'fixed'. */
  design?: Design;
  /** The true weights w*. Defaults to (1, ..., 1)/sqrt(d). */
  wStar?: readonly number[];
}

/** Fully resolved options: what a worker receives and what the result echoes. */
export interface RegressionConfig {
  scheme: TheoryScheme;
  d: number;
  T: number;
  sigma: number;
  generations: number;
  trials: number;
  seed: number;
  lambda: number;
  covariance: number[];
  design: Design;
  wStar: number[];
}

export interface RegressionResult extends RegressionConfig {
  experiment: 'regression';
  /** E||ŵ_k - w*||²_Σ; closed form eq. (5) / (6) where it holds. */
  testError: Curve;
  /** tr Cov(ŵ_k) / tr Cov(ŵ_1) across trials; closed form k or Σ_{i<=k} 1/i² where it holds. */
  varianceRatio: Curve;
  workers: number;
  seconds: number;
}

/** The output contract of `scripts/regression.ts --json` (issue 4). */
export interface RegressionJson {
  scheme: TheoryScheme;
  d: number;
  T: number;
  sigma: number;
  generations: number;
  trials: number;
  testError: number[];
  varianceRatio: number[];
  theory: (number | null)[];
}

export const REGRESSION_DEFAULTS = {
  scheme: 'accumulate',
  // The survey's Figure 6 setting.
  d: 10,
  T: 100,
  sigma: 1,
  generations: 10,
  trials: 1000,
  seed: 0,
  lambda: 0,
  design: 'fixed',
} as const satisfies Partial<RegressionConfig>;

export function resolveRegressionOptions(options: RegressionOptions = {}): RegressionConfig {
  const o = { ...REGRESSION_DEFAULTS, ...stripUndefined(options) };
  const d = checkInteger('d', o.d, 1);
  const T = checkInteger('T', o.T, 1);
  if (T < d + 2) throw new Error(`Option 'T' must be at least d + 2 = ${d + 2} (under-parameterized); got ${T}.`);
  const covariance = [...(o.covariance ?? new Array<number>(d).fill(1))];
  if (covariance.length !== d || !covariance.every((s) => Number.isFinite(s) && s > 0)) {
    throw new Error(`Option 'covariance' must be ${d} positive numbers (the diagonal of Σ); got [${covariance.join(', ')}].`);
  }
  const wStar = [...(o.wStar ?? new Array<number>(d).fill(1 / Math.sqrt(d)))];
  if (wStar.length !== d || !wStar.every(Number.isFinite)) {
    throw new Error(`Option 'wStar' must be ${d} finite numbers; got [${wStar.join(', ')}].`);
  }
  if (o.design !== 'fixed' && o.design !== 'fresh') {
    throw new Error(`Option 'design' must be 'fixed' or 'fresh'; got '${String(o.design)}'.`);
  }
  return {
    scheme: checkScheme(o.scheme),
    d,
    T,
    sigma: checkNumber('sigma', o.sigma, 0),
    generations: checkInteger('generations', o.generations, 1),
    trials: checkInteger('trials', o.trials, 2),
    seed: checkInteger('seed', o.seed, 0),
    lambda: checkNumber('lambda', o.lambda, 0),
    covariance,
    design: o.design,
    wStar,
  };
}

/** Numbers per generation in a trial's record: test error, then ŵ (d numbers). */
function width(c: RegressionConfig): number {
  return 1 + c.d;
}

/** Rows x = sqrt(Σ) z, z ~ N(0, I), row-major. */
function drawDesign(rng: Rng, T: number, scale: readonly number[], out: Float64Array, offset: number): void {
  const d = scale.length;
  for (let i = 0; i < T * d; i++) out[offset + i] = scale[i % d] * rng.normal();
}

/** Simulates trials [start, end) of the regression loop; a worker entry point (see worker.ts). */
export function regressionTrials(c: RegressionConfig, start: number, end: number, progress?: (done: number) => void): Float64Array {
  const { d, T, generations: G, scheme, design, sigma, lambda } = c;
  const w = width(c);
  const stride = G * w;
  const out = new Float64Array((end - start) * stride);
  const scale = c.covariance.map(Math.sqrt);
  const pooled = scheme === 'sub' || scheme === 'sub-repl';
  // Every generation's rows and labels, for the subsampling schemes.
  const poolX = new Float64Array(pooled ? G * T * d : T * d);
  const poolY = new Float64Array(pooled ? G * T : T);
  const gram = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const accGram = new Float64Array(d * d);
  const accXty = new Float64Array(d);
  const fixedGram = new Float64Array(d * d);
  const a = new Float64Array(d * d);

  for (let trial = start; trial < end; trial++) {
    const rng = createRng(c.seed, trial);
    const rec = (trial - start) * stride;
    accGram.fill(0);
    accXty.fill(0);
    let wPrev: ArrayLike<number> = c.wStar;
    for (let g = 1; g <= G; g++) {
      // This generation's rows live at `off` in the pool (always at 0 unless subsampling).
      const off = pooled ? (g - 1) * T * d : 0;
      const fresh = g === 1 || design === 'fresh';
      if (fresh) drawDesign(rng.child(Stream.fixed, g), T, scale, poolX, off);
      else if (pooled) poolX.copyWithin(off, 0, T * d);
      const noise = rng.child(Stream.noise, g);
      const yOff = pooled ? (g - 1) * T : 0;
      for (let i = 0; i < T; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += poolX[off + i * d + j] * wPrev[j];
        poolY[yOff + i] = s + sigma * noise.normal();
      }
      // Gram matrix and Xᵀy of this generation's own rows.
      if (fresh) {
        gram.fill(0);
        for (let i = 0; i < T; i++) addOuterUpper(gram, poolX, off + i * d, d);
        symmetrize(gram, d);
        if (g === 1) fixedGram.set(gram);
      } else {
        gram.set(fixedGram);
      }
      xty.fill(0);
      for (let i = 0; i < T; i++) {
        const y = poolY[yOff + i];
        for (let j = 0; j < d; j++) xty[j] += poolX[off + i * d + j] * y;
      }
      for (let j = 0; j < d * d; j++) accGram[j] += gram[j];
      for (let j = 0; j < d; j++) accXty[j] += xty[j];

      // The training set's normal equations: a = XᵀX + λ n I, b = Xᵀy.
      let b: Float64Array;
      let n: number;
      if (g === 1) {
        a.set(gram);
        b = xty;
        n = T;
      } else {
        switch (scheme) {
          case 'replace':
            a.set(gram);
            b = xty;
            n = T;
            break;
          case 'accumulate':
            a.set(accGram);
            b = accXty;
            n = g * T;
            break;
          case 'sub':
          case 'sub-repl': {
            const rows = rng.child(Stream.scheme, g).choose(g * T, T, scheme === 'sub-repl');
            a.fill(0);
            b = xty;
            b.fill(0);
            for (const r of rows) {
              addOuterUpper(a, poolX, r * d, d);
              for (let j = 0; j < d; j++) b[j] += poolX[r * d + j] * poolY[r];
            }
            symmetrize(a, d);
            n = T;
            break;
          }
          default:
            assertNever(scheme);
        }
      }
      for (let j = 0; j < d; j++) a[j * d + j] += lambda * n;
      const wHat = solveSymmetric(a, b, d);

      let err = 0;
      for (let j = 0; j < d; j++) err += c.covariance[j] * (wHat[j] - c.wStar[j]) ** 2;
      const at = rec + (g - 1) * w;
      out[at] = err;
      out.set(wHat, at + 1);
      wPrev = wHat;
    }
    progress?.(trial - start + 1);
  }
  return out;
}

/**
 * The closed forms, which need least squares (λ = 0): eq. (5) replace, σ²d/(T-d-1)·k, exact for a
 * fixed or fresh design and any diagonal Σ (E tr Σ(XᵀX)⁻¹ = d/(T-d-1) for Gaussian rows); eq. (6)
 * accumulate, σ²d/(T-d-1)·Σ_{i<=k} 1/i², exact for a fixed design. Null otherwise.
 */
export function regressionTheory(c: RegressionConfig): { testError: (number | null)[]; varianceRatio: (number | null)[] } {
  const factor = (g: number): number | null => {
    if (c.lambda !== 0) return null;
    if (c.scheme === 'replace') return g;
    if (c.scheme === 'accumulate' && c.design === 'fixed') return basel(g);
    return null;
  };
  const unit = (c.sigma ** 2 * c.d) / (c.T - c.d - 1);
  return {
    testError: perGeneration(c.generations, (g) => {
      const f = factor(g);
      return f === null ? null : unit * f;
    }),
    varianceRatio: perGeneration(c.generations, factor),
  };
}

/** Runs `trials` independent G-generation loops and summarises them per generation. */
export async function simulateRegression(options: RegressionOptions = {}): Promise<RegressionResult> {
  const c = resolveRegressionOptions(options);
  const workers = options.workers ?? defaultWorkers(c.trials);
  const t0 = performance.now();
  const w = width(c);
  const data = await runTrials(
    { experiment: 'regression', options: c, trials: c.trials, stride: c.generations * w, run: regressionTrials },
    { workers, onProgress: options.onProgress },
  );
  const records = { data, trials: c.trials, stride: c.generations * w, width: w };
  const theory = regressionTheory(c);
  const err = perGeneration(c.generations, (g) => meanOf(records, g, 0));
  const ratio = perGeneration(c.generations, (g) => varianceRatioOf(records, g, 1, c.d));
  return {
    experiment: 'regression',
    ...c,
    testError: { sim: err.map((e) => e.mean), se: err.map((e) => e.se), theory: theory.testError },
    varianceRatio: { sim: ratio.map((r) => r.ratio), se: ratio.map((r) => r.se), theory: theory.varianceRatio },
    workers: Math.min(workers, c.trials),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The `--json` object of the output contract. */
export function regressionJson(r: RegressionResult): RegressionJson {
  return {
    scheme: r.scheme,
    d: r.d,
    T: r.T,
    sigma: r.sigma,
    generations: r.generations,
    trials: r.trials,
    testError: r.testError.sim,
    varianceRatio: r.varianceRatio.sim,
    theory: r.testError.theory,
  };
}
