/**
 * Generalised linear models fitted on their own labels (survey §4.3; Dey and Donoho 2024,
 * Algorithm 1): what the logistic and Poisson simulators share. Each generation draws fresh
 * features, labels from the previous fit (the truth θ0 at generation 1), builds the training set by
 * the scheme, and fits θ̂_k by maximum likelihood (Newton / IRLS). A family is its log-partition A
 * (the negative log-likelihood of a row is A(x·θ) − y·x·θ up to a constant) and its label draw.
 */
import { createRng, Stream } from '../rng.ts';
import type { Rng } from '../rng.ts';
import { assertNever, basel, meanEstimate, perGeneration, ratioEstimate } from './common.ts';
import type { Records, TheoryScheme } from './common.ts';
import { solveSymmetric, symmetrize } from './linalg.ts';

/** An exponential family with natural parameter t = x·θ. */
export interface GlmFamily {
  /** Writes A(t), A'(t) (the label's mean) and A''(t) (its variance) into out[0..2]. */
  terms(t: number, out: Float64Array): void;
  /** A label drawn at natural parameter t. */
  draw(rng: Rng, t: number): number;
}

/** Work arrays of a fit, reusable across fits of the same d. */
export interface FitScratch {
  h: Float64Array;
  grad: Float64Array;
  prev: Float64Array;
}

/** The features' law: standard normal (the theorem's assumption 1: all moments finite) or standard Cauchy (no mean). */
export type FeatureLaw = 'gaussian' | 'cauchy';

/** What a GLM trial loop needs of its configuration. */
export interface GlmConfig {
  scheme: TheoryScheme;
  d: number;
  T: number;
  signal: number;
  maxIterations: number;
  generations: number;
  seed: number;
  /** Defaults to 'gaussian'. */
  features?: FeatureLaw;
}

/**
 * Maximum-likelihood fit by damped Newton (IRLS) over rows `rows` of (x, y), x row-major with d
 * columns, starting at `theta` (updated in place). Returns whether it converged; it does not when the
 * likelihood has no maximum (e.g. separable data for the logistic model).
 */
export function fitGlm(
  family: GlmFamily,
  x: Float64Array,
  y: Float64Array,
  rows: ArrayLike<number>,
  d: number,
  theta: Float64Array,
  maxIterations: number,
  scratch: FitScratch = { h: new Float64Array(d * d), grad: new Float64Array(d), prev: new Float64Array(d) },
): boolean {
  const { h, grad, prev } = scratch;
  const a = new Float64Array(3);
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
      family.terms(t, a);
      loss += a[0] - y[i] * t;
      const res = y[i] - a[1];
      const wt = a[2];
      for (let j = 0; j < d; j++) {
        const xj = x[o + j];
        grad[j] += res * xj;
        const wx = wt * xj;
        const row = j * d;
        for (let k = j; k < d; k++) h[row + k] += wx * x[o + k];
      }
    }
    if (!(loss <= prevLoss + 1e-12 * Math.abs(prevLoss))) {
      // The full step overshot (or overflowed): halve it from the previous iterate (the loss is convex).
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

export const GLM_ERR = 0;
export const GLM_CONVERGED = 1;
export const GLM_THETA = 2;

/**
 * Simulates trials [start, end) of a GLM loop. Per generation the record holds the error of θ̂ in
 * the norm of I = a (I − u uᵀ) + b u uᵀ (u = θ0/‖θ0‖; the Fisher information per row at θ0 for
 * Gaussian features), whether the fit converged, then θ̂.
 */
export function glmTrials(
  family: GlmFamily,
  fisher: { a: number; b: number },
  c: GlmConfig,
  start: number,
  end: number,
  progress?: (done: number) => void,
): Float64Array {
  const { d, T, generations: G, scheme } = c;
  const cauchy = c.features === 'cauchy';
  const w = GLM_THETA + d;
  const stride = G * w;
  const out = new Float64Array((end - start) * stride);
  // Every generation's fresh features and labels: accumulate and the subsampling schemes need them all.
  const x = new Float64Array(G * T * d);
  const y = new Float64Array(G * T);
  const theta0 = new Float64Array(d).fill(c.signal / Math.sqrt(d));
  const u = new Float64Array(d).fill(1 / Math.sqrt(d));
  const { a, b } = fisher;
  const theta = new Float64Array(d);
  const scratch: FitScratch = { h: new Float64Array(d * d), grad: new Float64Array(d), prev: new Float64Array(d) };
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
          // A ratio of independent normals is standard Cauchy.
          const v = cauchy ? feats.normal() / feats.normal() : feats.normal();
          x[(off + i) * d + j] = v;
          t += v * source[j];
        }
        y[off + i] = family.draw(labels, t);
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
      const ok = fitGlm(family, x, y, rows, d, theta, c.maxIterations, scratch);
      // Fisher norm of θ̂ - θ0: a ||v||² + (b - a) (u·v)².
      let vv = 0;
      let uv = 0;
      for (let j = 0; j < d; j++) {
        const v = theta[j] - theta0[j];
        vv += v * v;
        uv += u[j] * v;
      }
      const at = rec + (g - 1) * w;
      out[at + GLM_ERR] = a * vv + (b - a) * uv * uv;
      out[at + GLM_CONVERGED] = ok ? 1 : 0;
      out.set(theta, at + GLM_THETA);
      source.set(theta);
    }
    progress?.(trial - start + 1);
  }
  return out;
}

/**
 * Asymptotic closed forms (T → ∞ with d fixed; Dey and Donoho 2024): θ̂_1 − θ0 ≈ N(0, I⁻¹/T), so
 * E‖θ̂_1 − θ0‖²_I ≈ d/T; each replace generation adds an independent such error (ratio k), and
 * accumulation weights generation i's by 1/i (ratio Σ_{i<=k} 1/i² → π²/6), as in eq. (4)-(6).
 * Finite T adds the MLE's own inflation and the drift of I along the path, so expect gaps at small T.
 * With Cauchy features (outside the theorem) these are the theorem's claims, which the simulation tests.
 */
export function glmTheory(c: GlmConfig): { testError: (number | null)[]; varianceRatio: (number | null)[] } {
  const factor = (g: number): number | null =>
    c.scheme === 'replace' ? g : c.scheme === 'accumulate' ? basel(g) : null;
  return {
    testError: perGeneration(c.generations, (g) => {
      const f = factor(g);
      // I is infinite along the other axes with Cauchy features; the error's norm is Gaussian-features' I.
      return f === null || c.features === 'cauchy' ? null : (c.d / c.T) * f;
    }),
    varianceRatio: perGeneration(c.generations, factor),
  };
}

/** Fits per generation (summed over trials) that had not converged. */
export function unconvergedFits(r: Records, generations: number): number[] {
  return perGeneration(generations, (g) => {
    let n = 0;
    for (let t = 0; t < r.trials; t++) if (r.data[t * r.stride + (g - 1) * r.width + GLM_CONVERGED] === 0) n++;
    return n;
  });
}

/** The warning under the table when fits did not converge. */
export function unconvergedNote(unconverged: readonly number[], why: string): string[] {
  const bad = unconverged.reduce((a, b) => a + b, 0);
  if (bad === 0) return [];
  const first = unconverged.findIndex((n) => n > 0) + 1;
  return [`warning: ${bad} fits did not converge (${why}), first at generation ${first}; raise T or lower d.`];
}

/**
 * What a GLM simulator's spec shares (see defineSimulator): its two curves, their closed forms, the
 * count of fits that did not converge and the warning about them (`why` they fail, in words).
 */
export function glmSpec(why: string) {
  return {
    metrics: {
      /** E (θ̂ - θ0)ᵀ I(θ0) (θ̂ - θ0): twice the asymptotic excess test log-loss; theory to first order in 1/T. */
      testError: { label: 'E‖θ_k − θ0‖² in the Fisher norm', closedForm: true },
      /** tr Cov(θ̂_k) / tr Cov(θ̂_1) across trials; asymptotic theory k (replace) or Σ_{i<=k} 1/i² (accumulate). */
      varianceRatio: { label: 'variance ratio Var(θ_k) / Var(θ_1)', closedForm: true },
    },
    width: (c: GlmConfig) => GLM_THETA + c.d,
    closedForms: glmTheory,
    summarise: (r: Records, c: GlmConfig) => ({
      testError: meanEstimate(r, GLM_ERR),
      varianceRatio: ratioEstimate(r, GLM_THETA, c.d),
    }),
    extras: {
      /** Fits per generation (summed over trials) that had not converged after maxIterations. */
      unconverged: (r: Records, c: GlmConfig) => unconvergedFits(r, c.generations),
    },
    notes: (r: { unconverged: number[] }) => unconvergedNote(r.unconverged, why),
  };
}
