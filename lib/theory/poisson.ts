/**
 * Poisson regression fitted on its own labels (survey §4.3: another exponential-family GLM under
 * Dey and Donoho's theorem). Each generation draws fresh features x ~ N(0, I_d); generation 1's
 * counts come from the truth θ0, generation k's from the previous fit: y ~ Poisson(exp(x·θ̂_{k-1})).
 * The scheme builds the training set and θ̂_k is its maximum-likelihood fit by Newton's method.
 */
import type { Rng } from '../rng.ts';
import type { TrialRunOptions } from './common.ts';
import { integer, real } from './fields.ts';
import type { OptionsOf } from './fields.ts';
import { glmSpec, glmTrials } from './glm.ts';
import type { GlmFamily } from './glm.ts';
import { defineSimulator } from './simulator.ts';
import type { SharedFields, TheoryConfig, TheoryJsonOf, TheoryResultOf } from './simulator.ts';

/** The Poisson model's own options; the rates exp(x·θ0) have median 1 and grow as e^(signal·z). */
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
  signal: real({ default: 0.5, min: 0, help: '‖θ0‖; θ0 = signal·(1, ..., 1)/sqrt(d)' }),
  /** Newton iterations per fit before it counts as not converged. */
  maxIterations: integer({ default: 50, min: 1, help: 'Newton iterations before a fit counts as not converged' }),
};

/** The resolved configuration of a Poisson regression simulation. */
export type PoissonConfig = TheoryConfig<typeof fields>;

/**
 * A Poisson count of mean `rate` by inversion (exact; O(rate) uniform-free steps, one uniform). Rates
 * past 700 would underflow e^-rate and are refused: they mean the fit has run away.
 */
export function poissonDraw(rng: Rng, rate: number): number {
  if (!(rate <= 700))
    throw new Error(`A Poisson rate of ${rate} is too large to draw; expected at most 700 (lower signal).`);
  const u = rng.uniform();
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  while (u > cdf && p > 0) {
    k++;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

/** The Poisson family: A(t) = e^t, the mean and the variance e^t. */
const POISSON: GlmFamily = {
  terms(t, out) {
    const e = Math.exp(t);
    out[0] = e;
    out[1] = e;
    out[2] = e;
  },
  draw: (rng, t) => poissonDraw(rng, Math.exp(t)),
};

/**
 * The Fisher information per row at θ0 for x ~ N(0, I): E[e^{x·θ0} x xᵀ] = e^{s²/2}(I + θ0θ0ᵀ),
 * s = ||θ0||, i.e. a (I - u uᵀ) + b u uᵀ with a = e^{s²/2}, b = e^{s²/2}(1 + s²).
 */
export function poissonFisher(signal: number): { a: number; b: number } {
  const a = Math.exp((signal * signal) / 2);
  return { a, b: a * (1 + signal * signal) };
}

/** Simulates trials [start, end) of the Poisson loop; a worker entry point (see worker.ts). */
export function poissonTrials(
  c: PoissonConfig,
  start: number,
  end: number,
  progress?: (done: number) => void,
): Float64Array {
  return glmTrials(POISSON, poissonFisher(c.signal), c, start, end, progress);
}

/** The Poisson regression simulator: options, Monte Carlo and asymptotic forms. */
export const poissonSimulator = defineSimulator<'poisson', typeof fields, 'testError' | 'varianceRatio', 'unconverged'>(
  {
    name: 'poisson',
    title: 'Poisson regression',
    shared: { scheme: 'accumulate' },
    fields,
    trials: poissonTrials,
    ...glmSpec('the likelihood has no maximum, e.g. all counts 0 on one side'),
  },
);

type Metric = 'testError' | 'varianceRatio';
/** Options of simulatePoisson. */
export type PoissonOptions = OptionsOf<SharedFields & typeof fields> & TrialRunOptions;
/** What simulatePoisson returns: its configuration and a curve per quantity. */
export type PoissonResult = TheoryResultOf<'poisson', typeof fields, Metric, 'unconverged'>;
/** The `--json` object of `scripts/poisson.ts`. */
export type PoissonJson = TheoryJsonOf<'poisson', typeof fields, Metric, 'unconverged'>;

/** Simulates the Poisson loop; see poissonSimulator. */
export const simulatePoisson = (options: PoissonOptions = {}): Promise<PoissonResult> =>
  poissonSimulator.simulate(options);
