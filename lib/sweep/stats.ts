/**
 * Mean and 95% confidence interval of a handful of seeds: Student's t with n - 1 degrees of
 * freedom, mean ± t(0.975, n - 1) · sd / √n (sd with Bessel's correction). Shared by the sweep's
 * aggregate.csv and the run report's seed bands.
 */
import { createRequire } from 'node:module';

// Cephes' stdtri, the inverse of Student's t distribution (exact to double precision), in WebAssembly.
// Its CommonJS build compiles synchronously in Node; its ES module build only asynchronously.
const { stdtri } = createRequire(import.meta.url)('cephes') as { stdtri(df: number, p: number): number };

/** A mean with its sample standard deviation and 95% confidence interval (Student's t). */
export interface MeanCi {
  /** Values the statistics were computed from. */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); NaN for one value. */
  sd: number;
  /** Bounds of the 95% confidence interval of the mean; NaN for one value. */
  ci95Low: number;
  ci95High: number;
}

/** Mean, sd and the 95% t interval of `values` (finite numbers, at least one). */
export function meanCi(values: readonly number[]): MeanCi {
  const n = values.length;
  if (n === 0) throw new Error('meanCi needs at least one value; got none.');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { n, mean, sd: NaN, ci95Low: NaN, ci95High: NaN };
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = stdtri(n - 1, 0.975) * (sd / Math.sqrt(n));
  return { n, mean, sd, ci95Low: mean - half, ci95High: mean + half };
}
