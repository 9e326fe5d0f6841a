/**
 * Logistic regression fitted on its own labels (survey §4.3; Dey and Donoho 2024, Algorithm 1).
 * Each generation draws fresh features x ~ N(0, I_d); generation 1's labels come from the truth θ0,
 * generation k's from the previous fit: y ~ Bernoulli(sigmoid(x·θ̂_{k-1})). The scheme builds the
 * training set and θ̂_k is its maximum-likelihood fit by Newton's method (IRLS).
 */
import { createRng, Stream } from '../rng.ts';
import { assertNever, basel, meanEstimate, perGeneration, ratioEstimate } from './common.ts';
import type { TrialRunOptions } from './common.ts';
import { integer, real } from './fields.ts';
import type { OptionsOf } from './fields.ts';
import { defineSimulator } from './simulator.ts';
import type { SharedFields, TheoryConfig, TheoryJsonOf, TheoryResultOf } from './simulator.ts';
import { solveSymmetric, symmetrize } from './linalg.ts';

/**
 * The logistic model's own options. Asymptotic theory needs T >> d: at d = 10, T = 100 replace
 * drifts into separable data within 10 generations and the maximum-likelihood fit stops existing.
 */
const fields = {
  /** Number of features. */
  d: integer({ default: 5, min: 1, help: 'features' }),
  /** Rows per generation; more than d. */
  T: integer({ default: 500, min: 1, help: 'rows per generation, more than d', also: (T, c) => (T <= (c.d as number) ? `must be more than d = ${c.d} for the maximum-likelihood fit to exist` : undefined) }),
  /** ||θ0||; the truth is θ0 = signal·(1, ..., 1)/sqrt(d). */
  signal: real({ default: 1, min: 0, help: '‖θ0‖; θ0 = signal·(1, ..., 1)/sqrt(d)' }),
  /** Newton iterations per fit before it counts as not converged (e.g. separable data). */
  maxIterations: integer({ default: 50, min: 1, help: 'Newton iterations before a fit counts as not converged' }),
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
    const wgt = (i === 0 || i === n ? 0.5 : 1) * h * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const p = sigmoid(signal * z);
    a += wgt * p * (1 - p);
    b += wgt * p * (1 - p) * z * z;
  }
  return { a, b };
}

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
  scratch = { h: new Float64Array(d * d), grad: new Float64Array(d), prev: new Float64Array(d) },
): boolean {
  const { h, grad, prev } = scratch;
  let prevLoss = Infinity;
  let step = 1;
  for (let iter = 0; iter < maxIterations; iter++) {
    h.fill(0);
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      const o = i * d;
      let t = 0;
      for (let j = 0; j < d; j++) t += x[o + j] * theta[j];
      // One exp gives both p = sigmoid(t) and log(1 + e^t) = max(t, 0) + log1p(e^-|t|).
      const e = Math.exp(-Math.abs(t));
      const p = t >= 0 ? 1 / (1 + e) : e / (1 + e);
      loss += (t > 0 ? t : 0) + Math.log1p(e) - y[i] * t;
      const res = y[i] - p;
      const wt = p * (1 - p);
      for (let j = 0; j < d; j++) {
        const xj = x[o + j];
        grad[j] += res * xj;
        const wx = wt * xj;
        const row = j * d;
        for (let k = j; k < d; k++) h[row + k] += wx * x[o + k];
      }
    }
    if (loss > prevLoss + 1e-12 * Math.abs(prevLoss)) {
      // The full step overshot: halve it from the previous iterate (the loss is convex).
      step /= 2;
      for (let j = 0; j < d; j++) theta[j] = prev[j] + step * (theta[j] - prev[j]);
      if (step < 1e-10) return false;
      continue;
    }
    symmetrize(h, d);
    const delta = solveSymmetric(h, grad, d);
    let size = 0;
    let norm = 0;
    for (let j = 0; j < d; j++) {
      size = Math.max(size, Math.abs(delta[j]));
      norm = Math.max(norm, Math.abs(theta[j]));
    }
    prev.set(theta);
    prevLoss = loss;
    step = 1;
    for (let j = 0; j < d; j++) theta[j] += delta[j];
    // Newton converges quadratically: after a step of size s the error is O(s²), ~1e-12 here.
    if (size <= 1e-6 * (1 + norm)) return true;
  }
  return false;
}

const ERR = 0;
const CONVERGED = 1;
const THETA = 2;

/** Simulates trials [start, end) of the logistic loop; a worker entry point (see worker.ts). */
export function logisticTrials(c: LogisticConfig, start: number, end: number, progress?: (done: number) => void): Float64Array {
  const { d, T, generations: G, scheme } = c;
  const w = THETA + d;
  const stride = G * w;
  const out = new Float64Array((end - start) * stride);
  // Every generation's fresh features and labels: accumulate and the subsampling schemes need them all.
  const x = new Float64Array(G * T * d);
  const y = new Float64Array(G * T);
  const theta0 = new Float64Array(d).fill(c.signal / Math.sqrt(d));
  const u = new Float64Array(d).fill(1 / Math.sqrt(d));
  const { a, b } = fisherInformation(c.signal);
  const theta = new Float64Array(d);
  const scratch = { h: new Float64Array(d * d), grad: new Float64Array(d), prev: new Float64Array(d) };
  const all = Uint32Array.from({ length: G * T }, (_, i) => i);

  for (let trial = start; trial < end; trial++) {
    const rng = createRng(c.seed, trial);
    const rec = (trial - start) * stride;
    theta.set(theta0);
    // Labels of generation g come from `source`: θ0, then each fit.
    const source = Float64Array.from(theta0);
    for (let g = 1; g <= G; g++) {
      const off = (g - 1) * T;
      const feats = rng.child(Stream.sample, g);
      const labels = rng.child(Stream.noise, g);
      for (let i = 0; i < T; i++) {
        let t = 0;
        for (let j = 0; j < d; j++) {
          const v = feats.normal();
          x[(off + i) * d + j] = v;
          t += v * source[j];
        }
        y[off + i] = labels.uniform() < sigmoid(t) ? 1 : 0;
      }
      let rows: ArrayLike<number>;
      if (g === 1) rows = all.subarray(0, T);
      else {
        switch (scheme) {
          case 'replace':
            rows = all.subarray(off, off + T);
            break;
          case 'accumulate':
            rows = all.subarray(0, g * T);
            break;
          case 'sub':
          case 'sub-repl':
            rows = rng.child(Stream.scheme, g).choose(g * T, T, scheme === 'sub-repl');
            break;
          default:
            assertNever(scheme);
        }
      }
      // Warm start at the previous fit: same optimum (the loss is strictly convex), fewer steps.
      const ok = fitLogistic(x, y, rows, d, theta, c.maxIterations, scratch);
      // Fisher norm of θ̂ - θ0: a ||v||² + (b - a) (u·v)².
      let vv = 0;
      let uv = 0;
      for (let j = 0; j < d; j++) {
        const v = theta[j] - theta0[j];
        vv += v * v;
        uv += u[j] * v;
      }
      const at = rec + (g - 1) * w;
      out[at + ERR] = a * vv + (b - a) * uv * uv;
      out[at + CONVERGED] = ok ? 1 : 0;
      out.set(theta, at + THETA);
      source.set(theta);
    }
    progress?.(trial - start + 1);
  }
  return out;
}

/**
 * Asymptotic closed forms (T → ∞ with d fixed; Dey and Donoho 2024): θ̂_1 - θ0 ≈ N(0, I⁻¹/T), so
 * E||θ̂_1 - θ0||²_I ≈ d/T; each replace generation adds an independent such error (ratio k), and
 * accumulation weights generation i's by 1/i (ratio Σ_{i<=k} 1/i² -> π²/6), as in eq. (4)-(6).
 * Finite T adds the MLE's own inflation and the drift of I along the path, so expect gaps at small T.
 */
function logisticTheory(c: LogisticConfig): { testError: (number | null)[]; varianceRatio: (number | null)[] } {
  const factor = (g: number): number | null =>
    c.scheme === 'replace' ? g : c.scheme === 'accumulate' ? basel(g) : null;
  return {
    testError: perGeneration(c.generations, (g) => {
      const f = factor(g);
      return f === null ? null : (c.d / c.T) * f;
    }),
    varianceRatio: perGeneration(c.generations, factor),
  };
}

/** The logistic-regression simulator: its options, metrics, trial loop and asymptotic closed forms. */
export const logisticSimulator = defineSimulator({
  name: 'logistic',
  title: 'Logistic regression',
  shared: { scheme: 'accumulate' },
  fields,
  metrics: {
    /** E (θ̂ - θ0)ᵀ I(θ0) (θ̂ - θ0): twice the asymptotic excess test log-loss; theory to first order in 1/T. */
    testError: { label: 'E‖θ_k − θ0‖² in the Fisher norm', closedForm: true },
    /** tr Cov(θ̂_k) / tr Cov(θ̂_1) across trials; asymptotic theory k (replace) or Σ_{i<=k} 1/i² (accumulate). */
    varianceRatio: { label: 'variance ratio Var(θ_k) / Var(θ_1)', closedForm: true },
  },
  width: (c) => THETA + c.d,
  trials: logisticTrials,
  closedForms: logisticTheory,
  summarise: (r, c) => ({ testError: meanEstimate(r, ERR), varianceRatio: ratioEstimate(r, THETA, c.d) }),
  extras: {
    /** Fits per generation (summed over trials) that had not converged after maxIterations. */
    unconverged: (r, c) =>
      perGeneration(c.generations, (g) => {
        let n = 0;
        for (let t = 0; t < r.trials; t++) if (r.data[t * r.stride + (g - 1) * r.width + CONVERGED] === 0) n++;
        return n;
      }),
  },
  notes: (r) => {
    const bad = r.unconverged.reduce((a, b) => a + b, 0);
    if (bad === 0) return [];
    const first = r.unconverged.findIndex((n) => n > 0) + 1;
    return [`warning: ${bad} fits did not converge (separable data: the MLE does not exist), first at generation ${first}; raise T or lower d.`];
  },
});

type Metric = 'testError' | 'varianceRatio';
/** Options of simulateLogistic: d, T, the signal, Newton's iterations, the scheme and the trials. */
export type LogisticOptions = OptionsOf<SharedFields & typeof fields> & TrialRunOptions;
/** What simulateLogistic returns: its configuration, a curve per quantity, and the unconverged fits. */
export type LogisticResult = TheoryResultOf<'logistic', typeof fields, Metric, 'unconverged'>;
/** The `--json` object of `scripts/logistic.ts`. */
export type LogisticJson = TheoryJsonOf<'logistic', typeof fields, Metric, 'unconverged'>;

/** Simulates the logistic loop; see logisticSimulator. */
export const simulateLogistic = (options: LogisticOptions = {}): Promise<LogisticResult> => logisticSimulator.simulate(options);
