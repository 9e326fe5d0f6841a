/**
 * Linear regression fitted on its own predictions (survey §3.2 and §4.1; Gerstgrasser et al. 2024,
 * Dohmatob, Feng and Kempe 2024). Features x ~ N(0, Σ) with Σ diagonal, truth w*.
 *
 * The generators are least-squares fits: generator 1 fits T0 real rows X w* + E (noise σ0), generator
 * k >= 2 fits labels X_k ŵ_{k-1} + E_k on a training set built by the scheme, with X_k = X (fixed
 * design) or a fresh draw. The model each generation reports is, in the survey's §4.1 setting
 * (T0 = T, σ0 = σ, λ = 0), that generator itself; otherwise (§3.2, eq. (3)) it is a separate ridge fit
 * on T fresh rows labelled by the previous generator (the truth at generation 1) with noise σ.
 * Fit(X, Y) = (XᵀX + λ n I)⁻¹ XᵀY over the n rows of the training set, i.e. the survey's
 * R XᵀY / n with R = (Σ̂ + λI)⁻¹, where λ = lambda·T^-lambdaExponent (adaptive ridge, λ ≍ T^-ℓ).
 */
import { createRng, Stream } from '../rng.ts';
import type { Rng } from '../rng.ts';
import { assertNever, basel, meanEstimate, perGeneration, ratioEstimate } from './common.ts';
import { choice, integer, real, vector } from './fields.ts';
import type { OptionsOf } from './fields.ts';
import { defineSimulator } from './simulator.ts';
import type { SharedFields, TheoryConfig, TheoryJsonOf, TheoryResultOf } from './simulator.ts';
import type { TrialRunOptions } from './common.ts';
import { addOuterUpper, solveSymmetric, symmetrize } from './linalg.ts';
import { RIDGE_FORMS, ridgeTerms } from './ridge.ts';
import type { RidgeForm } from './ridge.ts';

/**
 * `fixed`: one design X per trial, reused by every generation (the survey's setting); `fresh`: a new X_k each
 * generation.
 */
export type Design = 'fixed' | 'fresh';

/** The regression's own options; the defaults are the survey's Figure 6 setting. */
const fields = {
  /** Number of features. */
  d: integer({ default: 10, min: 1, help: 'features' }),
  /** Rows per generation; at least d + 2 (the under-parameterized regime of eq. (5)-(6)). */
  T: integer({
    default: 100,
    min: 1,
    help: 'rows per generation, at least d + 2',
    also: (T, c) =>
      T < (c.d as number) + 2 ? `must be at least d + 2 = ${(c.d as number) + 2} (under-parameterized)` : undefined,
  }),
  /** Label noise standard deviation, the same every generation. */
  sigma: real({ default: 1, min: 0, help: 'label noise standard deviation' }),
  /** Ridge penalty of the reported model, λ >= 0 (times T^-lambdaExponent); 0 is least squares. */
  lambda: real({
    default: 0,
    min: 0,
    help: 'ridge penalty of the reported model (0 = least squares), times T^-ℓ with --lambda-exponent ℓ',
  }),
  /** Diagonal of the feature covariance Σ, d positive numbers. */
  covariance: vector({
    length: (c) => c.d as number,
    default: (c) => new Array<number>(c.d as number).fill(1),
    defaultHelp: 'the identity',
    positive: true,
    what: 'the diagonal of Σ',
    help: 'diagonal of the feature covariance Σ, d numbers',
  }),
  /** One design X per trial ('fixed'), or a fresh one each generation. */
  design: choice({
    choices: ['fixed', 'fresh'] as const satisfies readonly Design[],
    default: 'fixed',
    help: 'one design X per trial, or a fresh one each generation',
  }),
  /** The true weights w*. */
  wStar: vector({
    length: (c) => c.d as number,
    default: (c) => new Array<number>(c.d as number).fill(1 / Math.sqrt(c.d as number)),
    defaultHelp: '(1, ..., 1)/sqrt(d)',
    help: 'the true weights w*, d numbers',
  }),
  /** Rows each generator is fitted on (eq. (3)'s T0); at least d + 2. */
  T0: integer({
    default: (c) => c.T as number,
    defaultHelp: 'T',
    min: 1,
    help: "rows each generator is fitted on (eq. (3)'s T0), at least d + 2",
    also: (T0, c) =>
      T0 < (c.d as number) + 2 ? `must be at least d + 2 = ${(c.d as number) + 2} (under-parameterized)` : undefined,
  }),
  /** Label noise of the generators' rows (eq. (3)'s σ0). */
  sigma0: real({
    default: (c) => c.sigma as number,
    defaultHelp: 'sigma',
    min: 0,
    help: "label noise standard deviation of the generators' rows (eq. (3)'s σ0)",
  }),
  /** ℓ of the adaptive penalty λ = lambda·T^-ℓ; 0 keeps λ = lambda. */
  lambdaExponent: real({
    default: 0,
    min: 0,
    quietDefault: true,
    help: 'ℓ: the penalty is lambda·T^-ℓ (adaptive ridge)',
    also: (l, c) =>
      l > 0 && c.lambda === 0 ? 'needs lambda > 0 (the penalty is lambda·T^-lambdaExponent)' : undefined,
  }),
};

/** Fully resolved options: what a worker receives and what the result echoes. */
export type RegressionConfig = TheoryConfig<typeof fields>;

/** Numbers per generation in a trial's record: test error, then ŵ (d numbers). */
function width(c: RegressionConfig): number {
  return 1 + c.d;
}

/** The penalty λ of the reported model: lambda·T^-lambdaExponent. */
export function ridgePenalty(c: Pick<RegressionConfig, 'lambda' | 'lambdaExponent' | 'T'>): number {
  return c.lambda * c.T ** -c.lambdaExponent;
}

/**
 * Whether each generation reports its generator (§4.1: T0 = T, σ0 = σ, λ = 0) rather than a separate ridge fit
 * (§3.2).
 */
function reportsGenerator(c: RegressionConfig): boolean {
  return c.T0 === c.T && c.sigma0 === c.sigma && ridgePenalty(c) === 0;
}

/** Rows x = sqrt(Σ) z, z ~ N(0, I), row-major. */
function drawDesign(rng: Rng, T: number, scale: readonly number[], out: Float64Array, offset: number): void {
  const d = scale.length;
  for (let i = 0; i < T * d; i++) out[offset + i] = scale[i % d] * rng.normal();
}

/** Simulates trials [start, end) of the regression loop; a worker entry point (see worker.ts). */
export function regressionTrials(
  c: RegressionConfig,
  start: number,
  end: number,
  progress?: (done: number) => void,
): Float64Array {
  // The generators' rows and noise; the reported ridge fit's, when separate, are c.T and c.sigma.
  const { d, T0: T, generations: G, scheme, design, sigma0: sigma } = c;
  const separate = !reportsGenerator(c);
  const penalty = ridgePenalty(c);
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
  const ridge = separate
    ? { x: new Float64Array(c.T * d), gram: new Float64Array(d * d), xty: new Float64Array(d) }
    : null;

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
      // The reported model: a ridge fit on T fresh rows labelled by the previous generator.
      const reported = ridge ? ridgeFit(c, rng.child(Stream.eval, g), wPrev, scale, penalty, ridge) : null;
      for (let j = 0; j < d * d; j++) accGram[j] += gram[j];
      for (let j = 0; j < d; j++) accXty[j] += xty[j];

      // The training set's normal equations: a = XᵀX, b = Xᵀy.
      let b: Float64Array;
      if (g === 1) {
        a.set(gram);
        b = xty;
      } else {
        switch (scheme) {
          case 'replace':
            a.set(gram);
            b = xty;
            break;
          case 'accumulate':
            a.set(accGram);
            b = accXty;
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
            break;
          }
          default:
            assertNever(scheme);
        }
      }
      // Generators are least squares (a penalty belongs to the reported fit, which is then separate).
      const wHat = solveSymmetric(a, b, d);
      const shown = reported ?? wHat;

      let err = 0;
      for (let j = 0; j < d; j++) err += c.covariance[j] * (shown[j] - c.wStar[j]) ** 2;
      const at = rec + (g - 1) * w;
      out[at] = err;
      out.set(shown, at + 1);
      wPrev = wHat;
    }
    progress?.(trial - start + 1);
  }
  return out;
}

/** The reported ridge fit of §3.2: T fresh rows x ~ N(0, Σ), labels x·wGen + σ e, penalty λ. */
function ridgeFit(
  c: RegressionConfig,
  rng: Rng,
  wGen: ArrayLike<number>,
  scale: readonly number[],
  penalty: number,
  s: { x: Float64Array; gram: Float64Array; xty: Float64Array },
): Float64Array {
  const { d, T } = c;
  drawDesign(rng, T, scale, s.x, 0);
  s.gram.fill(0);
  s.xty.fill(0);
  for (let i = 0; i < T; i++) {
    let y = 0;
    for (let j = 0; j < d; j++) y += s.x[i * d + j] * wGen[j];
    y += c.sigma * rng.normal();
    addOuterUpper(s.gram, s.x, i * d, d);
    for (let j = 0; j < d; j++) s.xty[j] += s.x[i * d + j] * y;
  }
  symmetrize(s.gram, d);
  for (let j = 0; j < d; j++) s.gram[j * d + j] += penalty * T;
  return solveSymmetric(s.gram, s.xty, d);
}

/**
 * The closed forms, which need least squares (λ = 0): eq. (5) replace, σ²d/(T-d-1)·k, exact for a
 * fixed or fresh design and any diagonal Σ (E tr Σ(XᵀX)⁻¹ = d/(T-d-1) for Gaussian rows); eq. (6)
 * accumulate, σ²d/(T-d-1)·Σ_{i<=k} 1/i², exact for a fixed design. Null otherwise.
 */
function regressionTheory(c: RegressionConfig): { testError: (number | null)[]; varianceRatio: (number | null)[] } {
  if (!reportsGenerator(c))
    return { testError: separateTheory(c), varianceRatio: perGeneration(c.generations, () => null) };
  const factor = (g: number): number | null => {
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

/**
 * A separate least-squares fit (λ = 0) after k - 1 generators: E_clean = σ²d/(T-d-1) plus, per
 * eq. (3) with ρ = d/(T0-d-1) exactly, σ0²ρ·(k-1) under replace, σ0²ρ·Σ_{i<k} 1/i² under
 * accumulate with a fixed design (the generators' errors are weighted 1/i as in eq. (4)). With
 * λ > 0 E_clean and ρ have no closed form (see the approximate forms). Null otherwise.
 */
function separateTheory(c: RegressionConfig): (number | null)[] {
  const { d, T, T0, sigma, sigma0 } = c;
  return perGeneration(c.generations, (g) => {
    if (ridgePenalty(c) !== 0) return null;
    const n = c.scheme === 'replace' ? g - 1 : c.scheme === 'accumulate' && c.design === 'fixed' ? basel(g - 1) : null;
    return n === null ? null : (sigma ** 2 * d) / (T - d - 1) + (sigma0 ** 2 * d * n) / (T0 - d - 1);
  });
}

/**
 * Eq. (3) under replace, in both approximations (ridge.ts): E_clean + (k - 1)·σ0²·ρ at generation k,
 * whose model is fitted on data of the (k - 1)-th generator. Null for the other schemes.
 */
function ridgeApproximations(c: RegressionConfig): { testError: Record<RidgeForm, (number | null)[]> } {
  const setting = {
    covariance: c.covariance,
    wStar: c.wStar,
    lambda: ridgePenalty(c),
    T: c.T,
    sigma: c.sigma,
    T0: c.T0,
  };
  const form = (f: RidgeForm): (number | null)[] => {
    const { clean, rho } = ridgeTerms(f, setting);
    return perGeneration(c.generations, (g) => (c.scheme === 'replace' ? clean + (g - 1) * c.sigma0 ** 2 * rho : null));
  };
  return { testError: { lowDimensional: form('lowDimensional'), randomMatrix: form('randomMatrix') } };
}

/** The linear and ridge regression simulator: options, Monte Carlo and closed forms (eqs. 3, 5, 6). */
export const regressionSimulator = defineSimulator({
  name: 'regression',
  title: 'Linear regression',
  shared: { scheme: 'accumulate' },
  fields,
  metrics: {
    /** E‖ŵ_k − w*‖²_Σ; closed form eq. (5) / (6) where it holds, eq. (3)'s two approximations under replace. */
    testError: { label: 'test error E‖ŵ_k − w*‖²_Σ', closedForm: true, forms: RIDGE_FORMS },
    /** tr Cov(ŵ_k) / tr Cov(ŵ_1) across trials; closed form k or Σ_{i<=k} 1/i² where it holds. */
    varianceRatio: { label: 'variance ratio Var(ŵ_k) / Var(ŵ_1)', closedForm: true },
  },
  width,
  trials: regressionTrials,
  closedForms: regressionTheory,
  approximations: ridgeApproximations,
  summarise: (r, c) => ({ testError: meanEstimate(r, 0), varianceRatio: ratioEstimate(r, 1, c.d) }),
});

/** Options of simulateRegression. */
export type RegressionOptions = OptionsOf<SharedFields & typeof fields> & TrialRunOptions;
/** What simulateRegression returns: its configuration and a curve per quantity. */
export type RegressionResult = TheoryResultOf<'regression', typeof fields, 'testError' | 'varianceRatio', never>;
/** The `--json` object of `scripts/regression.ts` (README, "Output contract"). */
export type RegressionJson = TheoryJsonOf<'regression', typeof fields, 'testError' | 'varianceRatio', never>;

/** Simulates the regression loop; see regressionSimulator. */
export const simulateRegression = (options: RegressionOptions = {}): Promise<RegressionResult> =>
  regressionSimulator.simulate(options);
