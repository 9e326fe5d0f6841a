/**
 * The Fréchet distance between Gaussian fits of two feature sets (Heusel et al. 2017, "FID" when
 * the features come from an image classifier):
 *
 *   d^2 = |mu_a - mu_b|^2 + Tr(C_a) + Tr(C_b) - 2 Tr((C_a^{1/2} C_b C_a^{1/2})^{1/2})
 *
 * The last trace equals Tr((C_a C_b)^{1/2}); the symmetric form is used because C_a^{1/2} C_b C_a^{1/2}
 * is symmetric positive semi-definite, so both square roots come from symmetric eigen-decompositions
 * (ml-matrix) with real, non-negative eigenvalues.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Features } from './features.ts';

/** Mean and (unbiased, n - 1) covariance of a feature set. */
export interface GaussianFit {
  readonly mean: Float64Array;
  readonly cov: Matrix;
  readonly count: number;
}

export function fitGaussian(f: Features): GaussianFit {
  const { data, count: n, dim: d } = f;
  if (n < 2) throw new Error(`Fitting a Gaussian to features needs at least 2 rows, got ${n}.`);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) mean[i] += data[r * d + i];
  for (let i = 0; i < d; i++) mean[i] /= n;
  // Centred accumulation (not E[xx'] - mm'): features of near-identical images have large means and
  // tiny spreads, where the shortcut loses every significant digit.
  const acc = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) row[i] = data[r * d + i] - mean[i];
    for (let i = 0; i < d; i++) {
      const a = row[i];
      if (a === 0) continue;
      const base = i * d;
      for (let j = 0; j <= i; j++) acc[base + j] += a * row[j];
    }
  }
  const cov = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const c = acc[i * d + j] / (n - 1);
      cov.set(i, j, c);
      cov.set(j, i, c);
    }
  }
  return { mean, cov, count: n };
}

/** A Gaussian from a known mean and covariance (rows of numbers), e.g. for tests. */
export function gaussian(mean: number[], cov: number[][]): GaussianFit {
  if (cov.length !== mean.length || cov.some((r) => r.length !== mean.length)) {
    throw new Error(`Covariance must be ${mean.length}x${mean.length} to match a mean of ${mean.length} numbers.`);
  }
  return { mean: Float64Array.from(mean), cov: new Matrix(cov), count: Infinity };
}

/** The symmetric PSD square root V diag(sqrt(max(l, 0))) V' of a symmetric matrix. */
export function sqrtSymmetric(m: Matrix): Matrix {
  const eig = new EigenvalueDecomposition(symmetrize(m), { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const roots = eig.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  const scaled = v.clone();
  for (let i = 0; i < scaled.rows; i++)
    for (let j = 0; j < scaled.columns; j++) scaled.set(i, j, scaled.get(i, j) * roots[j]);
  return scaled.mmul(v.transpose());
}

/** Tr(M^{1/2}) of a symmetric PSD matrix: the sum of the square roots of its eigenvalues. */
function traceSqrtSymmetric(m: Matrix): number {
  const eig = new EigenvalueDecomposition(symmetrize(m), { assumeSymmetric: true });
  // Eigenvalues below zero are rounding noise of a PSD matrix.
  return eig.realEigenvalues.reduce((s, l) => s + Math.sqrt(Math.max(l, 0)), 0);
}

/** The squared Fréchet distance between two Gaussians (see the module comment). Never negative. */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  const d = a.mean.length;
  if (b.mean.length !== d)
    throw new Error(`Cannot compare Gaussians of dimension ${d} and ${b.mean.length}; expected one feature dimension.`);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  const rootA = sqrtSymmetric(a.cov);
  const cross = traceSqrtSymmetric(rootA.mmul(b.cov).mmul(rootA));
  const value = meanTerm + a.cov.trace() + b.cov.trace() - 2 * cross;
  // Identical fits give 0 up to rounding (about 1e-12 of the traces); a distance is not negative.
  return Math.max(0, value);
}

/** FID between two feature sets. */
export function fid(a: Features, b: Features): number {
  return frechetDistance(fitGaussian(a), fitGaussian(b));
}

function symmetrize(m: Matrix): Matrix {
  const out = new Matrix(m.rows, m.columns);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) out.set(i, j, 0.5 * (m.get(i, j) + m.get(j, i)));
  return out;
}
