import { describe, expect, it } from 'vitest';
import {
  degreesOfFreedom,
  effectiveRegularization,
  lowDimensionalTerms,
  randomMatrixTerms,
} from '../../../lib/theory/ridge.ts';

describe('theory/ridge: the closed forms of eq. (3)', () => {
  const s = [0.25, 1, 4];

  it('counts degrees of freedom: d at κ = 0, falling with κ, df2 <= df1', () => {
    expect(degreesOfFreedom(s, 0, 1)).toBe(3);
    expect(degreesOfFreedom(s, 1, 1)).toBeCloseTo(0.25 / 1.25 + 0.5 + 0.8, 14);
    expect(degreesOfFreedom(s, 1, 2)).toBeLessThan(degreesOfFreedom(s, 1, 1));
  });

  it('solves κ − λ = κ·df1(κ)/T, with κ > λ, κ → λ as T grows, and κ(0, T) = 0', () => {
    for (const [lambda, T] of [
      [0.1, 5],
      [1, 10],
      [0.01, 4],
    ]) {
      const k = effectiveRegularization(s, lambda, T);
      expect(k - lambda).toBeCloseTo((k * degreesOfFreedom(s, k, 1)) / T, 12);
      expect(k).toBeGreaterThan(lambda);
    }
    expect(effectiveRegularization(s, 0.1, 1e9)).toBeCloseTo(0.1, 8);
    expect(effectiveRegularization(s, 0, 10)).toBe(0);
  });

  it('agrees between the two forms at λ = 0 up to their O(d/T) difference, and with least squares', () => {
    const c = { covariance: s, wStar: [1, 1, 1], lambda: 0, T: 50, sigma: 2, T0: 40 };
    expect(lowDimensionalTerms(c)).toEqual({ clean: (4 * 3) / 50, rho: 3 / 37 });
    const rmt = randomMatrixTerms(c);
    expect(rmt.clean).toBeCloseTo((4 * 3) / 47, 12);
    expect(rmt.rho).toBeCloseTo(3 / 37, 12);
  });

  it('puts the bias of a huge penalty at ‖w*‖²_Σ in both forms', () => {
    const c = { covariance: s, wStar: [1, -1, 2], lambda: 1e9, T: 50, sigma: 1, T0: 40 };
    for (const t of [lowDimensionalTerms(c), randomMatrixTerms(c)]) expect(t.clean).toBeCloseTo(0.25 + 1 + 16, 5);
  });
});
