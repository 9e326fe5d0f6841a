import { describe, expect, it } from 'vitest';
import { meanCi } from '../../../lib/sweep/stats.ts';

describe('meanCi', () => {
  it("gives the mean, the sample sd and Student's t 95% interval", () => {
    // Five values: mean 3, sd √2.5; t(0.975, 4) = 2.776445.
    const s = meanCi([1, 2, 3, 4, 5]);
    expect(s.n).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    const half = (2.7764451051977987 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(s.ci95Low).toBeCloseTo(3 - half, 9);
    expect(s.ci95High).toBeCloseTo(3 + half, 9);
  });

  it('is wide for two seeds (t with one degree of freedom is 12.71) and empty for one', () => {
    const two = meanCi([10, 12]);
    expect(two.ci95High - two.mean).toBeCloseTo(12.706204736174694, 9);
    // Ten seeds: t(0.975, 9) = 2.2621571627409915 (tables; scipy.stats.t.ppf gives the same).
    const ten = meanCi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((ten.ci95High - ten.mean) / (ten.sd / Math.sqrt(10))).toBeCloseTo(2.2621571627409915, 9);
    const one = meanCi([7]);
    expect(one).toMatchObject({ n: 1, mean: 7 });
    expect([one.sd, one.ci95Low, one.ci95High].every(Number.isNaN)).toBe(true);
  });

  it('refuses an empty list', () => {
    expect(() => meanCi([])).toThrow('at least one value');
  });
});
