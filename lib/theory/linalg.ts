/**
 * The few dense linear-algebra steps the simulators need, on small d x d symmetric matrices stored
 * row-major in Float64Arrays. The decompositions themselves come from ml-matrix; this file only
 * moves numbers in and out and picks the fallback when a matrix is singular.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, pseudoInverse } from 'ml-matrix';

/**
 * A symmetric ml-matrix Matrix from the upper triangle of `a`. ml-matrix's Cholesky insists on exact
 * symmetry, which sums such as a running scatter matrix lose in the last bit.
 */
function toMatrix(a: Float64Array, d: number): Matrix {
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      m.set(i, j, a[i * d + j]);
      m.set(j, i, a[i * d + j]);
    }
  }
  return m;
}

/** Adds x xᵀ (scaled by `w`) to the upper triangle of the d x d matrix `g`. */
export function addOuterUpper(g: Float64Array, x: Float64Array, xOffset: number, d: number, w = 1): void {
  for (let i = 0; i < d; i++) {
    const xi = w * x[xOffset + i];
    const row = i * d;
    for (let j = i; j < d; j++) g[row + j] += xi * x[xOffset + j];
  }
}

/** Copies the upper triangle onto the lower one, so the matrix is exactly symmetric. */
export function symmetrize(g: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) g[i * d + j] = g[j * d + i];
  }
}

/**
 * Solves A x = b for a symmetric positive semi-definite A (normal equations, Newton steps), read
 * from its upper triangle: Cholesky when A is positive definite, otherwise the minimum-norm
 * solution A⁺ b through the SVD pseudo-inverse (the Moore-Penrose inverse of the survey's §4.1,
 * for a design of deficient rank).
 * The relative cut-off 1e-10 is well above the rounding noise a Gram matrix carries in its null
 * space, so those directions are dropped rather than amplified.
 */
export function solveSymmetric(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const A = toMatrix(a, d);
  const B = Matrix.columnVector(b);
  const chol = new CholeskyDecomposition(A);
  const x = chol.isPositiveDefinite() ? chol.solve(B) : pseudoInverse(A, 1e-10).mmul(B);
  return Float64Array.from(x.getColumn(0));
}

/**
 * A factor L with L Lᵀ = S for symmetric positive semi-definite S (to sample N(μ, S) as μ + L z):
 * the Cholesky factor, or V diag(sqrt(max(λ, 0))) from the eigendecomposition when S is singular.
 */
export function sqrtFactor(s: Float64Array, d: number): Float64Array {
  const S = toMatrix(s, d);
  const chol = new CholeskyDecomposition(S);
  const out = new Float64Array(d * d);
  if (chol.isPositiveDefinite()) {
    const L = chol.lowerTriangularMatrix;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) out[i * d + j] = L.get(i, j);
    return out;
  }
  const evd = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const V = evd.eigenvectorMatrix;
  const lambda = evd.realEigenvalues;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = V.get(i, j) * Math.sqrt(Math.max(lambda[j], 0));
  }
  return out;
}

/** Eigenvalues of a symmetric matrix. */
export function symmetricEigenvalues(s: Float64Array, d: number): number[] {
  return new EigenvalueDecomposition(toMatrix(s, d), { assumeSymmetric: true }).realEigenvalues;
}
