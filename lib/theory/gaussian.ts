/**
 * A Gaussian fitted to its own samples (survey §3.1, eq. (1)-(2); Shumailov et al. 2024). The truth
 * is N(0, σ² I_d). Generation 1 fits mean and covariance to T real samples X_0; generation g fits
 * them to a training set built by the scheme from X_0, ..., X_{g-1}, where X_i are T samples of
 * generation i's fit. Covariances are unbiased (divide by n - 1) or maximum likelihood (by n).
 */
import { createRng, Stream } from '../rng.ts';
import {
  assertNever,
  basel,
  checkInteger,
  checkNumber,
  checkScheme,
  meanOf,
  medianOf,
  perGeneration,
  stripUndefined,
  varianceRatioOf,
} from './common.ts';
import type { Curve, TheoryScheme, TrialRunOptions } from './common.ts';
import { sqrtFactor, symmetricEigenvalues } from './linalg.ts';
import { defaultWorkers, runTrials } from './trials.ts';

/** `unbiased` divides the scatter by n - 1 (eq. (1)); `mle` by n. */
export type Estimator = 'unbiased' | 'mle';

export interface GaussianOptions extends TrialRunOptions {
  /** How generation g >= 2's training set is built. Defaults to 'replace'. */
  scheme?: TheoryScheme;
  /** Dimension; 1 fits a variance, d > 1 a covariance matrix. Defaults to 1. */
  d?: number;
  /** Samples per generation, at least 2. Defaults to 100. */
  T?: number;
  /** Standard deviation of the true distribution N(0, σ² I). Defaults to 1. */
  sigma?: number;
  /** Generations, the first fitted to real samples. Defaults to 10. */
  generations?: number;
  /** Covariance estimator. Defaults to 'unbiased'. */
  estimator?: Estimator;
}

export interface GaussianConfig {
  scheme: TheoryScheme;
  d: number;
  T: number;
  sigma: number;
  generations: number;
  trials: number;
  seed: number;
  estimator: Estimator;
}

export interface GaussianResult extends GaussianConfig {
  experiment: 'gaussian';
  /** E[W2²(N(0, σ²I), N(μ_g, Σ_g))], the survey's R_W2; first-order closed form (see gaussianTheory). */
  testError: Curve;
  /** tr Cov(μ_g) / tr Cov(μ_1) across trials. */
  varianceRatio: Curve;
  /** Mean across trials of tr Σ_g / (d σ²). */
  fittedVariance: Curve;
  /** Median across trials of tr Σ_g / (d σ²); `se` is NaN, `theory` null (no closed form). */
  fittedVarianceMedian: Curve;
  /** E||μ_g - μ||². */
  meanError: Curve;
  /** Var(X_g) per coordinate: the marginal variance of a sample of generation g's fit. */
  marginalVariance: Curve;
  workers: number;
  seconds: number;
}

/** `scripts/gaussian.ts --json`: the regression contract's shape with the Gaussian's own fields. */
export interface GaussianJson {
  scheme: TheoryScheme;
  d: number;
  T: number;
  sigma: number;
  generations: number;
  trials: number;
  estimator: Estimator;
  testError: number[];
  varianceRatio: number[];
  fittedVariance: number[];
  fittedVarianceMedian: number[];
  meanError: number[];
  marginalVariance: number[];
  /** Closed form of testError (E W2²). */
  theory: (number | null)[];
  theoryVarianceRatio: (number | null)[];
  theoryFittedVariance: (number | null)[];
  theoryMeanError: (number | null)[];
  theoryMarginalVariance: (number | null)[];
}

export const GAUSSIAN_DEFAULTS = {
  scheme: 'replace',
  d: 1,
  T: 100,
  sigma: 1,
  generations: 10,
  trials: 1000,
  seed: 0,
  // eq. (1) of the survey uses the unbiased sample variance.
  estimator: 'unbiased',
} as const satisfies Partial<GaussianConfig>;

export function resolveGaussianOptions(options: GaussianOptions = {}): GaussianConfig {
  const o = { ...GAUSSIAN_DEFAULTS, ...stripUndefined(options) };
  if (o.estimator !== 'unbiased' && o.estimator !== 'mle') {
    throw new Error(`Option 'estimator' must be 'unbiased' or 'mle'; got '${String(o.estimator)}'.`);
  }
  return {
    scheme: checkScheme(o.scheme),
    d: checkInteger('d', o.d, 1),
    T: checkInteger('T', o.T, 2),
    sigma: checkNumber('sigma', o.sigma, 0, true),
    generations: checkInteger('generations', o.generations, 1),
    trials: checkInteger('trials', o.trials, 2),
    seed: checkInteger('seed', o.seed, 0),
    estimator: o.estimator,
  };
}

/** Per generation: W2², tr Σ_g/(dσ²), ||μ_g||², mean ||x||²/d over X_g, then μ_g (d numbers). */
const W2 = 0;
const FITTED = 1;
const MEAN_ERR = 2;
const MARGINAL = 3;
const MU = 4;

/** Simulates trials [start, end) of the Gaussian loop; a worker entry point (see worker.ts). */
export function gaussianTrials(c: GaussianConfig, start: number, end: number, progress?: (done: number) => void): Float64Array {
  const { d, T, generations: G, scheme, sigma } = c;
  const w = MU + d;
  const stride = G * w;
  const out = new Float64Array((end - start) * stride);
  const pooled = scheme === 'sub' || scheme === 'sub-repl';
  // Samples X_0 ... X_{G-1}, row-major; replace only ever needs the latest.
  const pool = new Float64Array((pooled ? G : 1) * T * d);
  const mu = new Float64Array(d);
  const cov = new Float64Array(d * d);
  const blockMean = new Float64Array(d);
  const blockScatter = new Float64Array(d * d);
  // Accumulate: running mean and scatter of everything so far, merged block by block.
  const accMean = new Float64Array(d);
  const accScatter = new Float64Array(d * d);
  const z = new Float64Array(d);

  for (let trial = start; trial < end; trial++) {
    const rng = createRng(c.seed, trial);
    const rec = (trial - start) * stride;
    const real = rng.child(Stream.sample, 0);
    for (let i = 0; i < T * d; i++) pool[i] = sigma * real.normal();
    let accN = 0;
    accMean.fill(0);
    accScatter.fill(0);
    for (let g = 1; g <= G; g++) {
      // X_{g-1}, the newest block, starts at `off`.
      const off = pooled ? (g - 1) * T * d : 0;
      scatterOf(pool, off, T, d, null, blockMean, blockScatter);
      if (scheme === 'accumulate') {
        mergeInto(accMean, accScatter, accN, blockMean, blockScatter, T, d);
        accN += T;
      }
      let n: number;
      if (g === 1 || scheme === 'replace') {
        mu.set(blockMean);
        cov.set(blockScatter);
        n = T;
      } else {
        switch (scheme) {
          case 'accumulate':
            mu.set(accMean);
            cov.set(accScatter);
            n = accN;
            break;
          case 'sub':
          case 'sub-repl': {
            const rows = rng.child(Stream.scheme, g).choose(g * T, T, scheme === 'sub-repl');
            scatterOf(pool, 0, T, d, rows, mu, cov);
            n = T;
            break;
          }
          default:
            assertNever(scheme);
        }
      }
      const divisor = c.estimator === 'unbiased' ? n - 1 : n;
      for (let j = 0; j < d * d; j++) cov[j] /= divisor;

      const at = rec + (g - 1) * w;
      let tr = 0;
      let mu2 = 0;
      for (let j = 0; j < d; j++) {
        tr += cov[j * d + j];
        mu2 += mu[j] * mu[j];
      }
      // W2² between N(0, σ²I) and N(μ, Σ): ||μ||² + tr Σ + dσ² - 2σ tr Σ^{1/2}.
      const eig = d === 1 ? [cov[0]] : symmetricEigenvalues(cov, d);
      let trSqrt = 0;
      for (const l of eig) trSqrt += Math.sqrt(Math.max(l, 0));
      out[at + W2] = Math.max(0, mu2 + tr + d * sigma * sigma - 2 * sigma * trSqrt);
      out[at + FITTED] = tr / (d * sigma * sigma);
      out[at + MEAN_ERR] = mu2;
      out.set(mu, at + MU);

      // X_g: T samples of this generation's fit, μ + L z.
      const L = d === 1 ? Float64Array.of(Math.sqrt(Math.max(cov[0], 0))) : sqrtFactor(cov, d);
      const next = pooled ? g * T * d : 0;
      const draw = rng.child(Stream.sample, g);
      let sq = 0;
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < d; j++) z[j] = draw.normal();
        for (let j = 0; j < d; j++) {
          let x = mu[j];
          for (let k = 0; k < d; k++) x += L[j * d + k] * z[k];
          sq += x * x;
          if (g < G) pool[next + i * d + j] = x;
        }
      }
      out[at + MARGINAL] = sq / (T * d);
    }
    progress?.(trial - start + 1);
  }
  return out;
}

/**
 * Mean and scatter Σ (x - m)(x - m)ᵀ of `count` rows of `pool` starting at row offset `off`
 * (or of the rows listed in `rows`), two-pass for accuracy.
 */
function scatterOf(
  pool: Float64Array,
  off: number,
  count: number,
  d: number,
  rows: Uint32Array | null,
  mean: Float64Array,
  scatter: Float64Array,
): void {
  const at = (i: number): number => (rows ? rows[i] * d : off + i * d);
  mean.fill(0);
  scatter.fill(0);
  for (let i = 0; i < count; i++) {
    const r = at(i);
    for (let j = 0; j < d; j++) mean[j] += pool[r + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= count;
  for (let i = 0; i < count; i++) {
    const r = at(i);
    for (let j = 0; j < d; j++) {
      const dj = pool[r + j] - mean[j];
      for (let k = j; k < d; k++) scatter[j * d + k] += dj * (pool[r + k] - mean[k]);
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) scatter[j * d + k] = scatter[k * d + j];
}

/** Chan et al.'s pairwise update: merges a block's (mean, scatter, n) into the running ones. */
function mergeInto(
  mean: Float64Array,
  scatter: Float64Array,
  n: number,
  bMean: Float64Array,
  bScatter: Float64Array,
  bn: number,
  d: number,
): void {
  const total = n + bn;
  const f = (n * bn) / total;
  for (let j = 0; j < d; j++) {
    const dj = bMean[j] - mean[j];
    for (let k = 0; k < d; k++) scatter[j * d + k] += bScatter[j * d + k] + f * dj * (bMean[k] - mean[k]);
  }
  for (let j = 0; j < d; j++) mean[j] += ((bMean[j] - mean[j]) * bn) / total;
}

/**
 * Closed forms per generation g (c = (T-1)/T for the MLE, 1 for the unbiased estimator;
 * S_g = g under replace, Σ_{i<=g} 1/i² under accumulate):
 * - fittedVariance, replace: E tr Σ_g / (dσ²) = c^g, exact (E[Σ_{g+1} | Σ_g] = c Σ_g).
 * - meanError, replace: E||μ_g||² = (dσ²/T) Σ_{i<g} c^i, exact; accumulate: (dσ²/T) S_g to first
 *   order in 1/T, since μ_g - μ = Σ_i e_{i-1}/i as in eq. (4).
 * - varianceRatio: meanError / meanError at g = 1, i.e. Σ_{i<g} c^i, or S_g.
 * - marginalVariance, replace: Var(X_g) = E σ_g² + Var(μ_g) = σ²(1 + g/T) exactly for the unbiased
 *   estimator (the survey's expansion, here without remainder) and σ² exactly for the MLE.
 * - testError = E W2²: to first order in 1/T, σ²/T (d + d(d+1)/4) S_g: the mean contributes dσ²/T
 *   per generation, the covariance E||Σ_g^{1/2} - σI||_F² ≈ (σ²/4) E||Σ_g/σ² - I||_F² with
 *   d(d+1)/T per generation. At d = 1 this is the survey's eq. (2), (3σ²/2) Σ 1/T_j, with g terms:
 *   generation g uses the g sample sets X_0..X_{g-1}.
 * Sub-sampling schemes have no closed form here (null).
 */
export function gaussianTheory(c: GaussianConfig): Pick<
  Record<keyof GaussianJson, (number | null)[]>,
  'theory' | 'theoryVarianceRatio' | 'theoryFittedVariance' | 'theoryMeanError' | 'theoryMarginalVariance'
> {
  const { d, T, sigma, scheme } = c;
  const s2 = sigma * sigma;
  const cc = c.estimator === 'mle' ? (T - 1) / T : 1;
  const geometric = (g: number): number => (cc === 1 ? g : (1 - cc ** g) / (1 - cc));
  const S = (g: number): number | null => (scheme === 'replace' ? g : scheme === 'accumulate' ? basel(g) : null);
  const ratio = (g: number): number | null => (scheme === 'replace' ? geometric(g) : S(g));
  const G = c.generations;
  return {
    theory: perGeneration(G, (g) => {
      const s = S(g);
      return s === null ? null : ((s2 / T) * (d + (d * (d + 1)) / 4)) * s;
    }),
    theoryVarianceRatio: perGeneration(G, ratio),
    theoryFittedVariance: perGeneration(G, (g) => (scheme === 'replace' ? cc ** g : null)),
    theoryMeanError: perGeneration(G, (g) => {
      const r = ratio(g);
      return r === null ? null : ((d * s2) / T) * r;
    }),
    theoryMarginalVariance: perGeneration(G, (g) =>
      scheme === 'replace' ? (c.estimator === 'unbiased' ? s2 * (1 + g / T) : s2) : null,
    ),
  };
}

/** Runs `trials` independent G-generation loops and summarises them per generation. */
export async function simulateGaussian(options: GaussianOptions = {}): Promise<GaussianResult> {
  const c = resolveGaussianOptions(options);
  const workers = options.workers ?? defaultWorkers(c.trials);
  const t0 = performance.now();
  const w = MU + c.d;
  const stride = c.generations * w;
  const data = await runTrials(
    { experiment: 'gaussian', options: c, trials: c.trials, stride, run: gaussianTrials },
    { workers, onProgress: options.onProgress },
  );
  const records = { data, trials: c.trials, stride, width: w };
  const th = gaussianTheory(c);
  const curve = (offset: number, theory: (number | null)[]): Curve => {
    const m = perGeneration(c.generations, (g) => meanOf(records, g, offset));
    return { sim: m.map((x) => x.mean), se: m.map((x) => x.se), theory };
  };
  const ratio = perGeneration(c.generations, (g) => varianceRatioOf(records, g, MU, c.d));
  return {
    experiment: 'gaussian',
    ...c,
    testError: curve(W2, th.theory),
    varianceRatio: { sim: ratio.map((r) => r.ratio), se: ratio.map((r) => r.se), theory: th.theoryVarianceRatio },
    fittedVariance: curve(FITTED, th.theoryFittedVariance),
    fittedVarianceMedian: {
      sim: perGeneration(c.generations, (g) => medianOf(records, g, FITTED)),
      se: perGeneration(c.generations, () => NaN),
      theory: perGeneration(c.generations, () => null),
    },
    meanError: curve(MEAN_ERR, th.theoryMeanError),
    marginalVariance: curve(MARGINAL, th.theoryMarginalVariance),
    workers: Math.min(workers, c.trials),
    seconds: (performance.now() - t0) / 1000,
  };
}

export function gaussianJson(r: GaussianResult): GaussianJson {
  return {
    scheme: r.scheme,
    d: r.d,
    T: r.T,
    sigma: r.sigma,
    generations: r.generations,
    trials: r.trials,
    estimator: r.estimator,
    testError: r.testError.sim,
    varianceRatio: r.varianceRatio.sim,
    fittedVariance: r.fittedVariance.sim,
    fittedVarianceMedian: r.fittedVarianceMedian.sim,
    meanError: r.meanError.sim,
    marginalVariance: r.marginalVariance.sim,
    theory: r.testError.theory,
    theoryVarianceRatio: r.varianceRatio.theory,
    theoryFittedVariance: r.fittedVariance.theory,
    theoryMeanError: r.meanError.theory,
    theoryMarginalVariance: r.marginalVariance.theory,
  };
}
