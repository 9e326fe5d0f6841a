import { describe, expect, it } from 'vitest';
import { distinctShare, perplexityStats, PPL_EDGES, words } from '../../lib/text-analysis.ts';

describe('the text analysis measures', () => {
  it('summarises perplexities: mean, nearest-rank quantiles, max, and counts on log-spaced bins', () => {
    const ppl = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const s = perplexityStats(ppl);
    expect(s.mean).toBe(50.5);
    expect(s.median).toBe(50);
    expect(s.p90).toBe(90);
    expect(s.p99).toBe(99);
    expect(s.max).toBe(100);
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBe(100);
    // 1 sits in the first bin [1, 10^(1/20)); 100 in the bin starting at 10^2 (edge 40).
    expect(s.histogram[0]).toBe(1);
    expect(PPL_EDGES[40]).toBeCloseTo(100, 10);
    expect(s.histogram[40]).toBe(1);
    // Everything above the last edge (1000) lands in the last bin.
    expect(perplexityStats(Float64Array.from([5000])).histogram.at(-1)).toBe(1);
  });

  it('counts distinct character n-grams and words', () => {
    expect(distinctShare('abab', 1)).toBe(2 / 4);
    expect(distinctShare('abab', 2)).toBe(2 / 3);
    expect(distinctShare('ab', 3)).toBe(0);
    expect(words("Call me Ishmael. Ishmael's whale-ship, CALL")).toEqual([
      'call',
      'me',
      'ishmael',
      "ishmael's",
      'whale',
      'ship',
      'call',
    ]);
  });
});
