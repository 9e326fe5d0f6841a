import { describe, expect, it } from 'vitest';
import { basel, meanOf, medianOf, varianceRatioOf } from '../../../lib/theory/common.ts';

/** Records of `trials` rows, one generation of width `width` per `rows[t][g]`. */
function records(rows: number[][][]): { data: Float64Array; trials: number; stride: number; width: number } {
  const width = rows[0][0].length;
  const stride = rows[0].length * width;
  return { data: Float64Array.from(rows.flat(2)), trials: rows.length, stride, width };
}

describe('theory/common', () => {
  it('basel sums 1/i² and stays below π²/6', () => {
    expect(basel(1)).toBe(1);
    expect(basel(2)).toBe(1.25);
    expect(basel(10)).toBeCloseTo(1.5497677, 6);
    expect(basel(100000)).toBeLessThan(Math.PI ** 2 / 6);
    expect(basel(100000)).toBeCloseTo(Math.PI ** 2 / 6, 4);
  });

  it('reads one field across trials: mean with its standard error, and median', () => {
    // 3 trials, 2 generations, 2 numbers per generation.
    const r = records([
      [
        [1, 0],
        [10, 0],
      ],
      [
        [2, 0],
        [20, 0],
      ],
      [
        [6, 0],
        [30, 0],
      ],
    ]);
    expect(meanOf(r, 1, 0).mean).toBe(3);
    expect(meanOf(r, 1, 0).se).toBeCloseTo(Math.sqrt(7 / 3), 12);
    expect(meanOf(r, 2, 0).mean).toBe(20);
    expect(medianOf(r, 1, 0)).toBe(2);
  });

  it('variance ratio is tr Cov(v_g)/tr Cov(v_1), exactly 4 when v_2 = 2 v_1 (and its SE is 0)', () => {
    const v1 = [
      [1, 2],
      [3, -1],
      [0, 5],
      [2, 2],
    ];
    const r = records(v1.map((v) => [v, v.map((x) => 2 * x)]));
    const { ratio, se } = varianceRatioOf(r, 2, 0, 2);
    expect(ratio).toBeCloseTo(4, 12);
    expect(se).toBeCloseTo(0, 12);
    expect(varianceRatioOf(r, 1, 0, 2).ratio).toBe(1);
  });
});
