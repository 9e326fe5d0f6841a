/**
 * A Gaussian fitted to its own samples (survey §3.1, eq. (1)-(2); Shumailov et al. 2024). The truth
 * is N(0, σ² I_d). Generation 1 fits mean and covariance to T_0 real samples X_0; generation g fits
 * them to a training set built by the scheme from X_0, ..., X_{g-1}, where X_i are T_i samples of
 * generation i's fit, T_i = T·(i+1)^p with p = 0, 1, 2 for TGrowth constant, linear, quadratic.
 * Covariances are unbiased (divide by n - 1) or maximum likelihood (by n). The mean is the sample
 * mean, or (survey §3.1.1) shrunk towards shrinkTo·(1, ..., 1): μ = (1 - s)·x̄ + s·shrinkTo, a biased
 * estimator whose deviation ε = μ - x̄ is recorded for the lower bound of §3.1.1.
 */
import { createRng, Stream } from '../rng.ts';
import {
  assertNever,
  basel,
  meanEstimate,
  medianEstimate,
  perGeneration,
  ratioEstimate,
  varianceEstimate,
} from './common.ts';
import type { TrialRunOptions } from './common.ts';
import { choice, integer, real } from './fields.ts';
import type { OptionsOf } from './fields.ts';
import { defineSimulator } from './simulator.ts';
import type { SharedFields, TheoryConfig, TheoryJsonOf, TheoryResultOf } from './simulator.ts';
import { sqrtFactor, symmetricEigenvalues } from './linalg.ts';

/** `unbiased` divides the scatter by n - 1 (eq. (1)); `mle` by n. */
export type Estimator = 'unbiased' | 'mle';

/** How the sample size grows with the generation: T_i = T·(i+1)^p, p = 0, 1, 2. */
export type SampleGrowth = 'constant' | 'linear' | 'quadratic';

const GROWTH_POWER: Record<SampleGrowth, number> = { constant: 0, linear: 1, quadratic: 2 };

/** T_0, ..., T_G: the sizes of the sample sets X_0 (real) to X_G. */
export function sampleSizes(c: Pick<GaussianConfig, 'T' | 'TGrowth' | 'generations'>): number[] {
  return Array.from({ length: c.generations + 1 }, (_, i) => c.T * (i + 1) ** GROWTH_POWER[c.TGrowth]);
}

/** The Gaussian's own options. */
const fields = {
  /** Dimension; 1 fits a variance, d > 1 a covariance matrix. */
  d: integer({ default: 1, min: 1, help: 'dimension (1: a variance, more: a covariance matrix)' }),
  /** Samples per generation, at least 2. */
  T: integer({ default: 100, min: 2, help: 'samples per generation, at least 2' }),
  /** Standard deviation of the true distribution N(0, σ² I). */
  sigma: real({ default: 1, min: 0, strict: true, help: 'standard deviation of the truth N(0, σ²I)' }),
  /** Covariance estimator; eq. (1) of the survey uses the unbiased one. */
  estimator: choice({
    choices: ['unbiased', 'mle'] as const satisfies readonly Estimator[],
    default: 'unbiased',
    help: 'covariance divided by n - 1 (unbiased) or by n (mle)',
  }),
  /** Growth of the sample sets: T_i = T·(i+1)^p; eq. (2)'s risk stays bounded only when it is superlinear. */
  TGrowth: choice({
    choices: ['constant', 'linear', 'quadratic'] as const satisfies readonly SampleGrowth[],
    default: 'constant',
    quietDefault: true,
    help: 'sample set i has T·(i+1)^p samples, p = 0, 1, 2',
  }),
  /** Shrinkage s of the mean: μ = (1 - s)·x̄ + s·shrinkTo (a biased estimator, §3.1.1); 0 is the sample mean. */
  shrinkage: real({
    default: 0,
    min: 0,
    quietDefault: true,
    help: 'mean shrunk by this fraction towards shrinkTo (0: the sample mean)',
    also: (v) => (v > 1 ? 'must be at most 1' : undefined),
  }),
  /** Each coordinate of the point the mean is shrunk towards; the truth's mean is 0. */
  shrinkTo: real({
    default: 0,
    min: -Infinity,
    quietDefault: true,
    help: 'each coordinate of the point the mean is shrunk towards (the truth is 0)',
  }),
};

/** The resolved configuration of a Gaussian simulation (every option with its value). */
export type GaussianConfig = TheoryConfig<typeof fields>;

/**
 * Per generation: W2², tr Σ_g/(dσ²), ||μ_g||², mean ||x||²/d over X_g, §3.1.1's lower bound
 * tr Σ·Σ_{i<g} 1/T_i + Σ_{i<=g} ||ε_i||² (ε_i = μ_i - x̄_i), then μ_g (d numbers).
 */
const W2 = 0;
const FITTED = 1;
const MEAN_ERR = 2;
const MARGINAL = 3;
const BOUND = 4;
const MU = 5;

/** Simulates trials [start, end) of the Gaussian loop; a worker entry point (see worker.ts). */
export function gaussianTrials(
  c: GaussianConfig,
  start: number,
  end: number,
  progress?: (done: number) => void,
): Float64Array {
  const { d, generations: G, scheme, sigma } = c;
  const w = MU + d;
  const stride = G * w;
  const out = new Float64Array((end - start) * stride);
  const pooled = scheme === 'sub' || scheme === 'sub-repl';
  const sizes = sampleSizes(c);
  // first[i]: the first row of X_i in the pool (0 for every set unless subsampling keeps them all).
  const first = sizes.map((_, i) => (pooled ? sizes.slice(0, i).reduce((a, b) => a + b, 0) : 0));
  // Samples X_0 ... X_{G-1}, row-major; replace and accumulate only ever need the latest.
  const pool = new Float64Array((pooled ? first[G - 1] + sizes[G - 1] : Math.max(...sizes.slice(0, G))) * d);
  const trSigma = d * sigma * sigma;
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
    for (let i = 0; i < sizes[0] * d; i++) pool[i] = sigma * real.normal();
    let accN = 0;
    // §3.1.1's bound so far: tr Σ·Σ 1/T_i over the sets used, plus Σ ||ε_i||².
    let bound = 0;
    accMean.fill(0);
    accScatter.fill(0);
    for (let g = 1; g <= G; g++) {
      // X_{g-1}, the newest block, starts at row first[g - 1].
      const size = sizes[g - 1];
      const off = first[g - 1] * d;
      scatterOf(pool, off, size, d, null, blockMean, blockScatter);
      if (scheme === 'accumulate') {
        mergeInto(accMean, accScatter, accN, blockMean, blockScatter, size, d);
        accN += size;
      }
      let n: number;
      if (g === 1 || scheme === 'replace') {
        mu.set(blockMean);
        cov.set(blockScatter);
        n = size;
      } else {
        switch (scheme) {
          case 'accumulate':
            mu.set(accMean);
            cov.set(accScatter);
            n = accN;
            break;
          case 'sub':
          case 'sub-repl': {
            // As many rows as the newest set has, from all sets so far.
            const rows = rng.child(Stream.scheme, g).choose(first[g - 1] + size, size, scheme === 'sub-repl');
            scatterOf(pool, 0, size, d, rows, mu, cov);
            n = size;
            break;
          }
          default:
            assertNever(scheme);
        }
      }
      const divisor = c.estimator === 'unbiased' ? n - 1 : n;
      for (let j = 0; j < d * d; j++) cov[j] /= divisor;
      // The biased mean of §3.1.1: ε = μ - x̄ = s·(shrinkTo - x̄).
      let eps2 = 0;
      if (c.shrinkage > 0) {
        for (let j = 0; j < d; j++) {
          const e = c.shrinkage * (c.shrinkTo - mu[j]);
          mu[j] += e;
          eps2 += e * e;
        }
      }
      bound += trSigma / size + eps2;

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
      out[at + BOUND] = bound;
      out.set(mu, at + MU);

      // X_g: T_g samples of this generation's fit, μ + L z.
      const L = d === 1 ? Float64Array.of(Math.sqrt(Math.max(cov[0], 0))) : sqrtFactor(cov, d);
      const next = g < G ? first[g] * d : 0;
      const draw = rng.child(Stream.sample, g);
      let sq = 0;
      for (let i = 0; i < sizes[g]; i++) {
        for (let j = 0; j < d; j++) z[j] = draw.normal();
        for (let j = 0; j < d; j++) {
          let x = mu[j];
          for (let k = 0; k < d; k++) x += L[j * d + k] * z[k];
          sq += x * x;
          if (g < G) pool[next + i * d + j] = x;
        }
      }
      out[at + MARGINAL] = sq / (sizes[g] * d);
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
 * Closed forms per generation g, with T_i the size of sample set i (c_i = (T_i-1)/T_i for the MLE,
 * 1 for the unbiased estimator; S_g = Σ_{i<g} 1/T_i under replace, Σ_{i<=g} 1/i² / T under
 * accumulate with a constant T). All hold for the sample mean (shrinkage 0); with shrinkage only
 * marginalVariance's MLE form does not depend on the mean and the rest are null.
 * - fittedVariance, replace: E tr Σ_g / (dσ²) = Π_{i<g} c_i, exact (E[Σ_{g+1} | Σ_g] = c Σ_g).
 * - meanError, replace: E||μ_g||² = dσ² Σ_{j<g} Π_{i<j} c_i / T_j, exact; accumulate: dσ² S_g to
 *   first order in 1/T, since μ_g - μ = Σ_i e_{i-1}/i as in eq. (4).
 * - varianceRatio: meanError / meanError at g = 1.
 * - marginalVariance, replace: Var(X_g) = E σ_g² + Var(μ_g) = σ²(1 + S_g) exactly for the unbiased
 *   estimator (the survey's σ²(1 + g/T), here without remainder) and σ² exactly for the MLE.
 * - testError = E W2²: to first order, σ²(d + d(d+1)/4)·S_g: the mean contributes dσ² per unit of
 *   S_g, the covariance E||Σ_g^{1/2} - σI||_F² ≈ (σ²/4) E||Σ_g/σ² - I||_F² with d(d+1). At d = 1
 *   this is the survey's eq. (2), (3σ²/2) Σ 1/T_j, with g terms: generation g uses X_0..X_{g-1}.
 * - riskVariance = Var W2²: to first order the mean error is σ²S_g·χ²_d and the covariance error
 *   (σ²S_g/4)·(2χ²_d + 2χ²_{d(d-1)/2}), independent, so Var = σ⁴S_g²·(2d + d(d+1)/4), 5σ⁴S_g²/2 at
 *   d = 1. Its `equation2` form is eq. (2) as the survey prints it, (σ⁴/2)(Σ 3/T_j² + Σ_{i≠j} 4/(T_iT_j))
 *   over the g sets (d = 1, replace), for comparison.
 * Sub-sampling schemes have no closed form here (null).
 */
function gaussianTheory(
  c: GaussianConfig,
): Record<
  'testError' | 'riskVariance' | 'varianceRatio' | 'fittedVariance' | 'meanError' | 'marginalVariance',
  (number | null)[]
> {
  const { d, T, sigma, scheme } = c;
  const s2 = sigma * sigma;
  const sizes = sampleSizes(c);
  const cOf = (i: number): number => (c.estimator === 'mle' ? (sizes[i] - 1) / sizes[i] : 1);
  const shrunk = c.shrinkage > 0;
  const constant = c.TGrowth === 'constant';
  // Σ_{j<g} Π_{i<j} c_i / T_j: E||μ_g||² / (dσ²) under replace.
  const replaceMean = (g: number): number => {
    let sum = 0;
    let prod = 1;
    for (let j = 0; j < g; j++) {
      sum += prod / sizes[j];
      prod *= cOf(j);
    }
    return sum;
  };
  const S = (g: number): number | null => {
    if (shrunk) return null;
    if (scheme === 'replace') return sizes.slice(0, g).reduce((a, t) => a + 1 / t, 0);
    return scheme === 'accumulate' && constant ? basel(g) / T : null;
  };
  const meanFactor = (g: number): number | null => (shrunk ? null : scheme === 'replace' ? replaceMean(g) : S(g));
  const G = c.generations;
  const w2 = d + (d * (d + 1)) / 4;
  return {
    testError: perGeneration(G, (g) => {
      const s = S(g);
      return s === null ? null : s2 * w2 * s;
    }),
    riskVariance: perGeneration(G, (g) => {
      const s = S(g);
      return s === null ? null : s2 * s2 * s * s * (2 * d + (d * (d + 1)) / 4);
    }),
    varianceRatio: perGeneration(G, (g) => {
      const m = meanFactor(g);
      const m1 = meanFactor(1);
      return m === null || m1 === null ? null : m / m1;
    }),
    fittedVariance: perGeneration(G, (g) =>
      scheme === 'replace' ? sizes.slice(0, g).reduce((p, _, i) => p * cOf(i), 1) : null,
    ),
    meanError: perGeneration(G, (g) => {
      const m = meanFactor(g);
      return m === null ? null : d * s2 * m;
    }),
    marginalVariance: perGeneration(G, (g) => {
      if (scheme !== 'replace') return null;
      if (c.estimator === 'mle') return shrunk ? null : s2;
      const s = S(g);
      return s === null ? null : s2 * (1 + s);
    }),
  };
}

/** eq. (2)'s variance as printed, over the g sample sets X_0..X_{g-1} (d = 1, replace, sample mean). */
function gaussianApproximations(c: GaussianConfig): { riskVariance: Record<'equation2', (number | null)[]> } {
  const sizes = sampleSizes(c);
  const applies = c.d === 1 && c.scheme === 'replace' && c.shrinkage === 0;
  return {
    riskVariance: {
      equation2: perGeneration(c.generations, (g) => {
        if (!applies) return null;
        const inv = sizes.slice(0, g).map((t) => 1 / t);
        const sum = inv.reduce((a, b) => a + b, 0);
        const squares = inv.reduce((a, b) => a + b * b, 0);
        // Σ_{i≠j} 1/(T_iT_j) = (Σ 1/T)² - Σ 1/T².
        return (c.sigma ** 4 / 2) * (3 * squares + 4 * (sum * sum - squares));
      }),
    },
  };
}

type Metric =
  | 'testError'
  | 'riskVariance'
  | 'lowerBound'
  | 'varianceRatio'
  | 'fittedVariance'
  | 'fittedVarianceMedian'
  | 'meanError'
  | 'marginalVariance';

export const gaussianSimulator = defineSimulator({
  name: 'gaussian',
  title: 'Gaussian',
  shared: { scheme: 'replace' },
  fields,
  metrics: {
    /** E[W2²(N(0, σ²I), N(μ_g, Σ_g))], the survey's R_W2; first-order closed form (see gaussianTheory). */
    testError: { label: 'E W2² to the truth', closedForm: true },
    /** Var[W2²] across trials, eq. (2)'s second line; first-order closed form and the survey's printed one. */
    riskVariance: { label: 'Var W2² to the truth', closedForm: true, forms: ['equation2'] },
    /** §3.1.1's lower bound on E W2², tr Σ·Σ_{i<g} 1/T_i + Σ_{i<=g} E||ε_i||², with E||ε_i||² simulated. */
    lowerBound: { label: '§3.1.1 lower bound on E W2²', closedForm: false },
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
  approximations: gaussianApproximations,
  summarise: (r, c) => ({
    testError: meanEstimate(r, W2),
    riskVariance: varianceEstimate(r, W2),
    lowerBound: meanEstimate(r, BOUND),
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
export const simulateGaussian = (options: GaussianOptions = {}): Promise<GaussianResult> =>
  gaussianSimulator.simulate(options);
