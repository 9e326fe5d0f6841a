/**
 * The closed forms of ridge regression on synthetic data, survey §3.2, eq. (3) (Dohmatob, Feng and
 * Kempe 2024): generators fitted by least squares on T0 rows with noise σ0, one after the other,
 * and a ridge fit with penalty λ on T rows with noise σ from the last of them has test error
 *
 *   E_test ≃ E_clean + n σ0² ρ   after n synthetic generations,
 *
 * with E_clean the test error of ridge on real data. Two approximations of E_clean and ρ, for a
 * diagonal Σ = diag(s): the low-dimensional one (Σ̂ → Σ as T grows with d fixed) and the
 * random-matrix one (T, d → ∞ together), through the effective regularization κ(λ, T).
 */

/** The two approximations of eq. (3). */
export type RidgeForm = 'lowDimensional' | 'randomMatrix';

/** Names of eq. (3)'s two approximate forms: low-dimensional and random-matrix. */
export const RIDGE_FORMS: readonly RidgeForm[] = ['lowDimensional', 'randomMatrix'];

/** The setting of eq. (3): Σ's diagonal, the truth, the downstream ridge (λ, T, σ) and the generators' T0. */
export interface RidgeSetting {
  readonly covariance: readonly number[];
  readonly wStar: readonly number[];
  readonly lambda: number;
  readonly T: number;
  readonly sigma: number;
  readonly T0: number;
}

/** E_clean (ridge on real data) and ρ (the error one synthetic generation adds, per unit σ0²). */
export interface RidgeTerms {
  readonly clean: number;
  readonly rho: number;
}

/** df_m(κ) = tr Σ^m (Σ + κI)^-m, the m-th degree of freedom; at most d. */
export function degreesOfFreedom(s: readonly number[], kappa: number, m: number): number {
  let out = 0;
  for (const v of s) out += (v / (v + kappa)) ** m;
  return out;
}

/**
 * κ(λ, T), the solution of κ − λ = κ·df1(κ)/T. Fixed-point iteration κ ← λ + κ·df1(κ)/T is a
 * contraction (its slope is df2(κ)/T <= d/T < 1 in the under-parameterized regime), so it converges
 * from κ = λ. κ(0, T) = 0 when T > d.
 */
export function effectiveRegularization(s: readonly number[], lambda: number, T: number): number {
  if (lambda === 0) return 0;
  let kappa = lambda;
  for (let i = 0; i < 100_000; i++) {
    const next = lambda + (kappa * degreesOfFreedom(s, kappa, 1)) / T;
    if (Math.abs(next - kappa) <= 1e-15 * next) return next;
    kappa = next;
  }
  return kappa;
}

/**
 * Low-dimensional limit (Σ̂ → Σ): Bias = λ² w*ᵀ Σ (Σ + λI)^-2 w*, Var = σ² df2(λ)/T, and
 * ρ ≃ df2(λ)/(T0 − d).
 */
export function lowDimensionalTerms(c: RidgeSetting): RidgeTerms {
  const { covariance: s, wStar: w, lambda, T, sigma, T0 } = c;
  let bias = 0;
  for (let j = 0; j < s.length; j++) bias += (lambda ** 2 * s[j] * w[j] ** 2) / (s[j] + lambda) ** 2;
  const df2 = degreesOfFreedom(s, lambda, 2);
  return { clean: bias + (sigma ** 2 * df2) / T, rho: df2 / (T0 - s.length) };
}

/**
 * Random-matrix limit: with κ = κ(λ, T) and κ0 = κ(0, T0), the standard deterministic equivalents
 * Bias = κ² w*ᵀ Σ (Σ + κI)^-2 w* / (1 − df2(κ)/T), Var = σ² df2(κ)/(T − df2(κ)), and eq. (3)'s
 * ρ = tr Σ⁴(Σ+κ0)^-2(Σ+κ)^-2 / (T0 − df2(κ0))
 *   + κ² tr Σ²(Σ+κ0)^-2(Σ+κ)^-2 / (T0 − df2(κ0)) · df2(κ)/(T − df2(κ)).
 */
export function randomMatrixTerms(c: RidgeSetting): RidgeTerms {
  const { covariance: s, wStar: w, lambda, T, sigma, T0 } = c;
  const kappa = effectiveRegularization(s, lambda, T);
  const kappa0 = effectiveRegularization(s, 0, T0);
  const df2 = degreesOfFreedom(s, kappa, 2);
  const df20 = degreesOfFreedom(s, kappa0, 2);
  let bias = 0;
  let first = 0;
  let second = 0;
  for (let j = 0; j < s.length; j++) {
    const v = s[j];
    bias += (kappa ** 2 * v * w[j] ** 2) / (v + kappa) ** 2;
    const both = (v + kappa0) ** 2 * (v + kappa) ** 2;
    first += v ** 4 / both;
    second += v ** 2 / both;
  }
  bias /= 1 - df2 / T;
  const rho = first / (T0 - df20) + ((kappa ** 2 * second) / (T0 - df20)) * (df2 / (T - df2));
  return { clean: bias + (sigma ** 2 * df2) / (T - df2), rho };
}

/** The terms of one form. */
export function ridgeTerms(form: RidgeForm, c: RidgeSetting): RidgeTerms {
  return form === 'lowDimensional' ? lowDimensionalTerms(c) : randomMatrixTerms(c);
}
