import { describe, expect, it } from 'vitest';
import { features } from '../../../lib/metrics/features.ts';
import { kthNeighbourDistances, manifold, precisionRecall } from '../../../lib/metrics/precision-recall.ts';
import { createRng } from '../../../lib/rng.ts';

const line = (xs: number[]) => features(xs, 1);

describe('precisionRecall', () => {
  it('is 1 and 1 for identical feature sets', () => {
    const rng = createRng(1);
    const a = features(
      Array.from({ length: 200 * 5 }, () => rng.normal()),
      5,
    );
    expect(precisionRecall(a, a, 3)).toEqual({ precision: 1, recall: 1 });
  });

  it('gives the hand-computed answer on a line', () => {
    // Real 0..4 with k = 1: every radius is 1, so 0.5 is inside and 10 is not: precision 1/2.
    // Generated {0.5, 10}: each one's nearest other point is 9.5 away, which covers all of 0..4: recall 1.
    expect(precisionRecall(line([0, 1, 2, 3, 4]), line([0.5, 10]), 1)).toEqual({ precision: 0.5, recall: 1 });
  });

  it('is 0 and 0 for far-apart sets', () => {
    expect(precisionRecall(line([0, 1, 2, 3]), line([100, 101, 102, 103]), 1)).toEqual({ precision: 0, recall: 0 });
  });

  it('sees mode collapse: samples piled on one real point are precise but recall little', () => {
    const real = line([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const collapsed = line([3, 3, 3, 3, 3, 3]);
    // The duplicates' radii are exactly 0, so only the real point 3 is covered.
    expect(precisionRecall(real, collapsed, 3)).toEqual({ precision: 1, recall: 0.1 });
  });

  it('uses the k-th nearest other point, not the point itself', () => {
    expect(Array.from(kthNeighbourDistances(line([0, 1, 3, 7]), 1))).toEqual([1, 1, 4, 16]);
    expect(Array.from(kthNeighbourDistances(line([0, 1, 3, 7]), 2))).toEqual([9, 4, 9, 36]);
  });

  it('gives the same answer against a prepared real manifold, which must share k', () => {
    const rng = createRng(2);
    const a = features(
      Array.from({ length: 80 * 3 }, () => rng.normal()),
      3,
    );
    const b = features(
      Array.from({ length: 60 * 3 }, () => 0.5 + rng.normal()),
      3,
    );
    const direct = precisionRecall(a, b, 3);
    expect(direct.precision).toBeGreaterThan(0);
    expect(direct.precision).toBeLessThan(1);
    expect(precisionRecall(manifold(a, 3), b, 3)).toEqual(direct);
    expect(() => precisionRecall(manifold(a, 2), b, 3)).toThrow(/built with k = 2, not 3/);
  });

  it('refuses sets with no more than k rows or of different dimensions', () => {
    expect(() => precisionRecall(line([0, 1, 2]), line([0, 1, 2, 3]), 3)).toThrow(/more than 3 real/);
    expect(() => precisionRecall(line([0, 1, 2]), features([0, 0, 1, 1, 2, 2], 2), 1)).toThrow(/dimension/);
  });
});
