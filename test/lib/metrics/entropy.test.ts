import { describe, expect, it } from 'vitest';
import { classHistogram, entropy } from '../../../lib/metrics/entropy.ts';

describe('classHistogram and entropy', () => {
  it('counts labels per class', () => {
    expect(classHistogram([0, 3, 3, 9], 10)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
  });

  it('is 0 for a set of one class', () => {
    const h = classHistogram(new Uint8Array(50).fill(7));
    expect(entropy(h)).toBe(0);
    expect(Object.is(entropy(h), -0)).toBe(false);
  });

  it('is ln 10 for ten equally frequent classes and ln 2 for two', () => {
    expect(entropy(new Array(10).fill(5))).toBeCloseTo(Math.log(10), 12);
    expect(entropy([0, 4, 0, 4])).toBeCloseTo(Math.log(2), 12);
  });

  it('drops when one class takes over', () => {
    expect(entropy([91, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toBeLessThan(
      entropy([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]) / 3,
    );
  });

  it('refuses labels outside the classes and empty histograms', () => {
    expect(() => classHistogram([10], 10)).toThrow(/Label 10 is not a class/);
    expect(() => entropy([0, 0])).toThrow(/empty histogram/);
  });
});
