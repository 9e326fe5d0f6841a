/**
 * A Gaussian fitted to its own samples (survey §3.1, eq. (1)-(2); Shumailov et al. 2024). The truth
 * is N(0, σ² I_d). Generation 1 fits mean and covariance to T real samples X_0; generation g fits
 * them to a training set built by the scheme from X_0, ..., X_{g-1}, where X_i are T samples of
 * generation i's fit. Covariances are unbiased (divide by n - 1) or maximum likelihood (by n).
 */
import { createRng, Stream } from '../rng.ts';
import { assertNever, basel, meanEstimate, medianEstimate, perGeneration, ratioEstimate } from './common.ts';
import type { TrialRunOptions } from './common.ts';
import { choice, integer, real } from './fields.ts';
import type { OptionsOf } from './fields.ts';
import { defineSimulator } from './simulator.ts';
import type { SharedFields, TheoryConfig, TheoryJsonOf, TheoryResultOf } from './simulator.ts';
import { sqrtFactor, symmetricEigenvalues } from './linalg.ts';

/** `unbiased` divides the scatter by n - 1 (eq. (1)); `mle` by n. */
export type Estimator = 'unbiased' | 'mle';

/** The Gaussian's own options. */
const fields = {
  /** Dimension; 1 fits a variance, d > 1 a covariance matrix. */
  d: integer({ default: 1, min: 1, help: 'dimension (1: a variance, more: a covariance matrix)' }),
  /** Samples per generation, at least 2. */
  T: integer({ default: 100, min: 2, help: 'samples per generation, at least 2' }),
  /** Standard deviation of the true distribution N(0, σ² I). */
  sigma: real({ default: 1, min: 0, strict: true, help: 'standard deviation of the truth N(0, σ²I)' }),
  /** Covariance estimator; eq. (1) of the survey uses the unbiased one. */
  estimator: choice({ choices: ['unbiased', 'mle'] as const satisfies readonly Estimator[], default: 'unbiased', help: 'covariance divided by n - 1 (unbiased) or by n (mle)' }),
};

/** The resolved configuration of a Gaussian simulation (every option with its value). */
export type GaussianConfig = TheoryConfig<typeof fields>;

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
function gaussianTheory(c: GaussianConfig): Record<'testError' | 'varianceRatio' | 'fittedVariance' | 'meanError' | 'marginalVariance', (number | null)[]> {
  const { d, T, sigma, scheme } = c;
  const s2 = sigma * sigma;
  const cc = c.estimator === 'mle' ? (T - 1) / T : 1;
  const geometric = (g: number): number => (cc === 1 ? g : (1 - cc ** g) / (1 - cc));
  const S = (g: number): number | null => (scheme === 'replace' ? g : scheme === 'accumulate' ? basel(g) : null);
  const ratio = (g: number): number | null => (scheme === 'replace' ? geometric(g) : S(g));
  const G = c.generations;
  return {
    testError: perGeneration(G, (g) => {
      const s = S(g);
      return s === null ? null : ((s2 / T) * (d + (d * (d + 1)) / 4)) * s;
    }),
    varianceRatio: perGeneration(G, ratio),
    fittedVariance: perGeneration(G, (g) => (scheme === 'replace' ? cc ** g : null)),
    meanError: perGeneration(G, (g) => {
      const r = ratio(g);
      return r === null ? null : ((d * s2) / T) * r;
    }),
    marginalVariance: perGeneration(G, (g) =>
      scheme === 'replace' ? (c.estimator === 'unbiased' ? s2 * (1 + g / T) : s2) : null,
    ),
  };
}

type Metric = 'testError' | 'varianceRatio' | 'fittedVariance' | 'fittedVarianceMedian' | 'meanError' | 'marginalVariance';

export const gaussianSimulator = defineSimulator({
  name: 'gaussian',
  title: 'Gaussian',
  shared: { scheme: 'replace' },
  fields,
  metrics: {
    /** E[W2²(N(0, σ²I), N(μ_g, Σ_g))], the survey's R_W2; first-order closed form (see gaussianTheory). */
    testError: { label: 'E W2² to the truth', closedForm: true },
    /** tr Cov(μ_g) / tr Cov(μ_1) across trials. */
    varianceRatio: { label: 'variance ratio Var(μ_g) / Var(μ_1)', closedForm: true },
    /** Mean across trials of tr Σ_g / (d σ²). */
    fittedVariance: { label: 'mean of tr Σ_g / (dσ²)', closedForm: true },
    /** Median across trials of tr Σ_g / (d σ²); no standard error, no closed form. */
    fittedVarianceMedian: { label: 'median of tr Σ_g / (dσ²)', closedForm: false, se: false },
    /** E||μ_g - μ||². */
    meanError: { label: 'E‖μ_g − μ‖²', closedForm: true },
    /** Var(X_g) per coordinate: the marginal variance of a sample of generation g's fit. */
    marginalVariance: { label: 'Var(X_g) per coordinate', closedForm: true },
  },
  width: (c) => MU + c.d,
  trials: gaussianTrials,
  closedForms: gaussianTheory,
  summarise: (r, c) => ({
    testError: meanEstimate(r, W2),
    varianceRatio: ratioEstimate(r, MU, c.d),
    fittedVariance: meanEstimate(r, FITTED),
    fittedVarianceMedian: medianEstimate(r, FITTED),
    meanError: meanEstimate(r, MEAN_ERR),
    marginalVariance: meanEstimate(r, MARGINAL),
  }),
});

/** Options of simulateGaussian: d, T, sigma, the estimator, the scheme and the trials. */
export type GaussianOptions = OptionsOf<SharedFields & typeof fields> & TrialRunOptions;
/** What simulateGaussian returns: its configuration and a curve per quantity. */
export type GaussianResult = TheoryResultOf<'gaussian', typeof fields, Metric, never>;
/** The `--json` object of `scripts/gaussian.ts`. */
export type GaussianJson = TheoryJsonOf<'gaussian', typeof fields, Metric, never>;

/** Simulates the Gaussian loop; see gaussianSimulator. */
export const simulateGaussian = (options: GaussianOptions = {}): Promise<GaussianResult> => gaussianSimulator.simulate(options);
