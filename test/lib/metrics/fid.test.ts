import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import { features } from '../../../lib/metrics/features.ts';
import { fid, fitGaussian, frechetDistance, gaussian, sqrtSymmetric } from '../../../lib/metrics/fid.ts';
import { createRng } from '../../../lib/rng.ts';

/** n rows of dim standard normals, scaled per dimension and shifted. */
function normalRows(seed: number, n: number, dim: number, scale = 1, shift = 0): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n * dim }, () => shift + scale * rng.normal());
}

describe('frechetDistance', () => {
  it('is 0 for identical feature sets', () => {
    const a = features(normalRows(1, 300, 8), 8);
    expect(fid(a, a)).toBeCloseTo(0, 8);
  });

  it('is |mu_a - mu_b|^2 + (sigma_a - sigma_b)^2 in one dimension', () => {
    expect(frechetDistance(gaussian([1], [[4]]), gaussian([-2], [[9]]))).toBeCloseTo(9 + 1, 10);
  });

  it('sums per-dimension terms for diagonal covariances', () => {
    const a = gaussian(
      [0, 0, 1],
      [
        [1, 0, 0],
        [0, 4, 0],
        [0, 0, 9],
      ],
    );
    const b = gaussian(
      [1, 0, 0],
      [
        [4, 0, 0],
        [0, 4, 0],
        [0, 0, 1],
      ],
    );
    // means: 1 + 0 + 1; sds: (1-2)^2 + 0 + (3-1)^2
    expect(frechetDistance(a, b)).toBeCloseTo(2 + 1 + 4, 10);
  });

  it('matches the 2x2 closed form Tr sqrt(A^1/2 B A^1/2) = sqrt(tr(AB) + 2 sqrt(det A det B)) for covariances that do not commute', () => {
    const A = [
      [2, 1],
      [1, 2],
    ];
    const B = [
      [3, 0],
      [0, 1],
    ];
    const trAB = 2 * 3 + 2 * 1; // diagonal of AB
    const cross = Math.sqrt(trAB + 2 * Math.sqrt(3 * 3));
    const want = 4 + 4 - 2 * cross;
    const got = frechetDistance(gaussian([0, 0], A), gaussian([0, 0], B));
    expect(got).toBeCloseTo(want, 10);
    // A naive Tr(A^1/2 B^1/2) would give another number; and the distance is symmetric.
    expect(frechetDistance(gaussian([0, 0], B), gaussian([0, 0], A))).toBeCloseTo(want, 10);
  });

  it('grows with the gap between two sampled sets and tracks the Gaussian answer', () => {
    const a = features(normalRows(2, 4000, 4), 4);
    const b = features(normalRows(3, 4000, 4, 1, 0.5), 4);
    const c = features(normalRows(4, 4000, 4, 2, 0.5), 4);
    // Population values: 4 * 0.25 = 1; then + 4 * (2 - 1)^2 = 5.
    expect(fid(a, b)).toBeGreaterThan(0.9);
    expect(fid(a, b)).toBeLessThan(1.1);
    expect(fid(a, c)).toBeGreaterThan(4.6);
    expect(fid(a, c)).toBeLessThan(5.4);
  });

  it('stays exact for features with a large mean and a tiny spread', () => {
    const rng = createRng(5);
    const rows = Array.from({ length: 200 * 3 }, () => 1e4 + 1e-3 * rng.normal());
    const fit = fitGaussian(features(rows, 3));
    expect(fit.cov.get(0, 0)).toBeGreaterThan(0.5e-6);
    expect(fit.cov.get(0, 0)).toBeLessThan(2e-6);
  });

  it('takes the symmetric square root of a PSD matrix', () => {
    const m = new Matrix([
      [5, 2],
      [2, 2],
    ]);
    const r = sqrtSymmetric(m);
    const back = r.mmul(r);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(back.get(i, j)).toBeCloseTo(m.get(i, j), 10);
  });

  it('refuses Gaussians of different dimensions and too few rows', () => {
    expect(() =>
      frechetDistance(
        gaussian([0], [[1]]),
        gaussian(
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toThrow(/dimension 1 and 2/);
    expect(() => fitGaussian(features([1, 2], 2))).toThrow(/at least 2 rows/);
  });
});
