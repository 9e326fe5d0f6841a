import { describe, expect, it } from 'vitest';
import {
  addOuterUpper,
  solveSymmetric,
  sqrtFactor,
  symmetricEigenvalues,
  symmetrize,
} from '../../../lib/theory/linalg.ts';

const mul = (a: Float64Array, x: Float64Array, d: number): number[] =>
  Array.from({ length: d }, (_, i) => x.reduce((s, xj, j) => s + a[i * d + j] * xj, 0));

describe('theory/linalg', () => {
  it('solves a positive definite system', () => {
    const a = Float64Array.of(4, 1, 0, 1, 3, 1, 0, 1, 2);
    const x = solveSymmetric(a, Float64Array.of(1, 2, 3), 3);
    mul(a, x, 3).forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3][i], 12));
  });

  it('reads only the upper triangle, so a last-bit asymmetry does not stop Cholesky', () => {
    const x = solveSymmetric(Float64Array.of(2, 1, 1 + 1e-16 + 1e-15, 2), Float64Array.of(3, 3), 2);
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(1, 12);
  });

  it('gives the minimum-norm solution when the matrix is singular (pseudo-inverse)', () => {
    // [[1, 1], [1, 1]] x = [2, 2]: every x with x1 + x2 = 2 solves it; the shortest is (1, 1).
    const x = solveSymmetric(Float64Array.of(1, 1, 1, 1), Float64Array.of(2, 2), 2);
    expect(x[0]).toBeCloseTo(1, 10);
    expect(x[1]).toBeCloseTo(1, 10);
  });

  it('builds a Gram matrix from rows, symmetric to the last bit', () => {
    const rows = Float64Array.of(1, 2, 3, 4);
    const g = new Float64Array(4);
    addOuterUpper(g, rows, 0, 2);
    addOuterUpper(g, rows, 2, 2);
    symmetrize(g, 2);
    expect(Array.from(g)).toEqual([10, 14, 14, 20]);
  });

  it('factors S = L Lᵀ, also for a singular S', () => {
    for (const s of [Float64Array.of(4, 2, 2, 3), Float64Array.of(1, 1, 1, 1)]) {
      const l = sqrtFactor(s, 2);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++)
          expect(l[i * 2] * l[j * 2] + l[i * 2 + 1] * l[j * 2 + 1]).toBeCloseTo(s[i * 2 + j], 10);
      }
    }
  });

  it('finds the eigenvalues of a symmetric matrix', () => {
    const e = symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2).sort((a, b) => a - b);
    expect(e[0]).toBeCloseTo(1, 12);
    expect(e[1]).toBeCloseTo(3, 12);
  });
});
