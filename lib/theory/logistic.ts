/**
 * Logistic regression fitted on its own labels (survey §4.3; Dey and Donoho 2024, Algorithm 1).
 * Each generation draws fresh features x ~ N(0, I_d) (or standard Cauchy, outside the theorem);
 * generation 1's labels come from the truth θ0,
 * generation k's from the previous fit: y ~ Bernoulli(sigmoid(x·θ̂_{k-1})). The scheme builds the
 * training set and θ̂_k is its maximum-likelihood fit by Newton's method (IRLS).
 */
import type { TrialRunOptions } from './common.ts';
import { choice, integer, real } from './fields.ts';
import type { OptionsOf } from './fields.ts';
import { defineSimulator } from './simulator.ts';
import type { SharedFields, TheoryConfig, TheoryJsonOf, TheoryResultOf } from './simulator.ts';
import { fitGlm, glmSpec, glmTrials } from './glm.ts';
import type { FeatureLaw, FitScratch, GlmFamily } from './glm.ts';

/**
 * The logistic model's own options. Asymptotic theory needs T >> d: at d = 10, T = 100 replace
 * drifts into separable data within 10 generations and the maximum-likelihood fit stops existing.
 */
const fields = {
  /** Number of features. */
  d: integer({ default: 5, min: 1, help: 'features' }),
  /** Rows per generation; more than d. */
  T: integer({
    default: 500,
    min: 1,
    help: 'rows per generation, more than d',
    also: (T, c) =>
      T <= (c.d as number) ? `must be more than d = ${c.d} for the maximum-likelihood fit to exist` : undefined,
  }),
  /** ||θ0||; the truth is θ0 = signal·(1, ..., 1)/sqrt(d). */
  signal: real({ default: 1, min: 0, help: '‖θ0‖; θ0 = signal·(1, ..., 1)/sqrt(d)' }),
  /** Newton iterations per fit before it counts as not converged (e.g. separable data). */
  maxIterations: integer({ default: 50, min: 1, help: 'Newton iterations before a fit counts as not converged' }),
  /** The features' law; Cauchy features have no finite moments, outside assumption 1 of Dey and Donoho's theorem. */
  features: choice({
    choices: ['gaussian', 'cauchy'] as const satisfies readonly FeatureLaw[],
    default: 'gaussian',
    quietDefault: true,
    help: "features' law: gaussian, or cauchy (no finite moments: outside the theorem's assumptions)",
  }),
};

/** The resolved configuration of a logistic-regression simulation. */
export type LogisticConfig = TheoryConfig<typeof fields>;

const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/**
 * The Fisher information per row at θ0 for x ~ N(0, I): I = a (I - u uᵀ) + b u uᵀ with u = θ0/||θ0||,
 * a = E[σ'(s z)], b = E[σ'(s z) z²], z ~ N(0, 1), s = ||θ0||, σ' = p(1 - p). Both by quadrature.
 */
export function fisherInformation(signal: number): { a: number; b: number } {
  let a = 0;
  let b = 0;
  const n = 8000;
  const lim = 12;
  const h = (2 * lim) / n;
  for (let i = 0; i <= n; i++) {
    const z = -lim + i * h;
    const wgt = ((i === 0 || i === n ? 0.5 : 1) * h * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    const p = sigmoid(signal * z);
    a += wgt * p * (1 - p);
    b += wgt * p * (1 - p) * z * z;
  }
  return { a, b };
}

/** The Bernoulli family: A(t) = log(1 + e^t), mean sigmoid(t), variance p(1 - p). */
const BERNOULLI: GlmFamily = {
  terms(t, out) {
    // One exp gives both p = sigmoid(t) and log(1 + e^t) = max(t, 0) + log1p(e^-|t|).
    const e = Math.exp(-Math.abs(t));
    const p = t >= 0 ? 1 / (1 + e) : e / (1 + e);
    out[0] = (t > 0 ? t : 0) + Math.log1p(e);
    out[1] = p;
    out[2] = p * (1 - p);
  },
  draw: (rng, t) => (rng.uniform() < sigmoid(t) ? 1 : 0),
};

/**
 * Maximum-likelihood logistic fit by damped Newton (IRLS) over rows `rows` of (x, y), x row-major
 * with d columns and y in {0, 1}, starting at `theta` (updated in place). Returns whether it
 * converged; it does not when the rows are separable (the likelihood has no maximum).
 */
export function fitLogistic(
  x: Float64Array,
  y: Float64Array,
  rows: ArrayLike<number>,
  d: number,
  theta: Float64Array,
  maxIterations: number,
  scratch?: FitScratch,
): boolean {
  return fitGlm(BERNOULLI, x, y, rows, d, theta, maxIterations, scratch);
}

/** Simulates trials [start, end) of the logistic loop; a worker entry point (see worker.ts). */
export function logisticTrials(
  c: LogisticConfig,
  start: number,
  end: number,
  progress?: (done: number) => void,
): Float64Array {
  return glmTrials(BERNOULLI, fisherInformation(c.signal), c, start, end, progress);
}

/** The logistic regression simulator: options, Monte Carlo and asymptotic forms. */
export const logisticSimulator = defineSimulator<
  'logistic',
  typeof fields,
  'testError' | 'varianceRatio',
  'unconverged'
>({
  name: 'logistic',
  title: 'Logistic regression',
  shared: { scheme: 'accumulate' },
  fields,
  trials: logisticTrials,
  ...glmSpec('separable data: the MLE does not exist'),
});

type Metric = 'testError' | 'varianceRatio';
/** Options of simulateLogistic. */
export type LogisticOptions = OptionsOf<SharedFields & typeof fields> & TrialRunOptions;
/** What simulateLogistic returns: its configuration and a curve per quantity. */
export type LogisticResult = TheoryResultOf<'logistic', typeof fields, Metric, 'unconverged'>;
/** The `--json` object of `scripts/logistic.ts`. */
export type LogisticJson = TheoryJsonOf<'logistic', typeof fields, Metric, 'unconverged'>;

/** Simulates the logistic loop; see logisticSimulator. */
export const simulateLogistic = (options: LogisticOptions = {}): Promise<LogisticResult> =>
  logisticSimulator.simulate(options);
