/** A full-covariance Gaussian fitted to latent codes, for sampling an autoencoder. */
import * as tf from '../lib/tfjs.ts';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { range } from '../data/images.ts';
import { toFloatBatch } from '../data/batch.ts';
import type { ImageSource } from '../data/images.ts';
import type { Rng } from '../lib/rng.ts';
import { readAndDispose } from './sampling.ts';

export interface LatentGaussian {
  mean: Float64Array;
  /** Lower-triangular Cholesky factor of the covariance, row-major dim x dim. */
  cholesky: Float64Array;
}

/** Mean and covariance of `encode(x)` over every image of `source`, encoded `batchSize` at a time. */
export async function fitLatentGaussian(
  source: ImageSource,
  batchSize: number,
  flat: boolean,
  dim: number,
  encode: (x: tf.Tensor) => tf.Tensor2D,
): Promise<LatentGaussian> {
  const n = source.count;
  if (n < 2) throw new Error(`Fitting a latent Gaussian needs at least 2 training images, got ${n}.`);
  const sum = new Float64Array(dim);
  const outer = new Float64Array(dim * dim);
  const all = range(n);
  for (let start = 0; start < n; start += batchSize) {
    const idx = all.subarray(start, Math.min(n, start + batchSize));
    const codes = tf.tidy(() => encode(toFloatBatch(source, idx, flat)));
    const v = await readAndDispose(codes);
    for (let r = 0; r < idx.length; r++) {
      for (let i = 0; i < dim; i++) {
        const a = v[r * dim + i];
        sum[i] += a;
        for (let j = 0; j <= i; j++) outer[i * dim + j] += a * v[r * dim + j];
      }
    }
  }
  const mean = sum.map((s) => s / n);
  const cov = new Matrix(dim, dim);
  let trace = 0;
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      const c = (outer[i * dim + j] - n * mean[i] * mean[j]) / (n - 1);
      cov.set(i, j, c);
      cov.set(j, i, c);
    }
    trace += cov.get(i, i);
  }
  // A tiny ridge keeps the factorisation defined when some code directions are (nearly) constant.
  const jitter = 1e-6 * Math.max(trace / dim, 1e-12);
  for (let i = 0; i < dim; i++) cov.set(i, i, cov.get(i, i) + jitter);
  const chol = new CholeskyDecomposition(cov);
  if (!chol.isPositiveDefinite()) throw new Error('The latent codes have a covariance that is not positive definite even after a ridge; the autoencoder may have collapsed to a point.');
  return { mean, cholesky: Float64Array.from(chol.lowerTriangularMatrix.to1DArray()) };
}

/** `count` draws mean + L eps, eps ~ N(0, scale² I) from `rng` (the covariance times scale²), as a [count, dim] tensor. */
export function drawLatentGaussian(g: LatentGaussian, count: number, rng: Rng, scale = 1): tf.Tensor2D {
  const dim = g.mean.length;
  const out = new Float32Array(count * dim);
  const eps = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < dim; i++) eps[i] = scale * rng.normal();
    for (let i = 0; i < dim; i++) {
      let s = g.mean[i];
      for (let j = 0; j <= i; j++) s += g.cholesky[i * dim + j] * eps[j];
      out[r * dim + i] = s;
    }
  }
  return tf.tensor2d(out, [count, dim]);
}
