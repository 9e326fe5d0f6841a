/**
 * The spread of samples in a fixed latent space: Shumailov et al. (2024) watch a VAE's samples
 * shrink towards the mean generation after generation. Here every generation's samples are encoded
 * by generation 1's encoder, so the spaces agree.
 */
import * as tf from '../tfjs.ts';
import { range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import type { ImageSource } from '../../data/images.ts';
import { readAndDispose } from '../../models/sampling.ts';
import type { GenerativeModel } from '../../models/types.ts';
import { features } from './features.ts';
import type { Features } from './features.ts';

/** Mean over latent dimensions of the per-dimension standard deviation (n - 1) across rows. */
export function meanStd(codes: Features): number {
  const { data, count: n, dim: d } = codes;
  if (n < 2) throw new Error(`A standard deviation needs at least 2 rows, got ${n}.`);
  let total = 0;
  for (let i = 0; i < d; i++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += data[r * d + i];
    mean /= n;
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (data[r * d + i] - mean) ** 2;
    total += Math.sqrt(ss / (n - 1));
  }
  return total / d;
}

/** Latent codes (the VAE's posterior means) of the first `count` images of `source`. */
export async function encodeAll(model: GenerativeModel, source: ImageSource, count: number, batchSize: number): Promise<Features> {
  const n = Math.min(count, source.count);
  const out = new Float32Array(n * model.latentDim);
  const all = range(n);
  for (let start = 0; start < n; start += batchSize) {
    const idx = all.subarray(start, Math.min(n, start + batchSize));
    const z = tf.tidy(() => model.encode(toFloatBatch(source, idx, model.flatInput)));
    out.set(await readAndDispose(z), start * model.latentDim);
  }
  return features(out, model.latentDim);
}

/** latentStd: the mean latent standard deviation of the first `count` images under `encoder`. */
export async function latentStd(encoder: GenerativeModel, source: ImageSource, count: number, batchSize: number): Promise<number> {
  return meanStd(await encodeAll(encoder, source, count, batchSize));
}
