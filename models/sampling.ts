/** Turning decoded pixel probabilities into uint8 synthetic images, batch by batch. */
import * as tf from '../lib/tfjs.ts';
import { createImageSet, pixelsPerImage, quantize } from '../data/images.ts';
import { toFloatBatch } from '../data/batch.ts';
import type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
import type { Rng } from '../lib/rng.ts';
import type { PixelForm } from './options.ts';
import type { GenerativeModel } from './types.ts';

/**
 * Draws `count` images by decoding latent codes from `model.sampleLatent`, `batchSize` at a time,
 * and turning each pixel probability p into a pixel (`form`): quantised as it is ('grey'); 255 with
 * probability p, else 0 ('bernoulli': a draw from the Bernoulli decoder); or 255 where p >= 1/2,
 * else 0 ('threshold': the decoder's most likely binary image).
 */
export function sampleFromLatent(model: GenerativeModel, count: number, rng: Rng, batchSize: number, form: PixelForm): Promise<ImageSet> {
  return fillBatches(model.imageShape, count, batchSize, async (n) => {
    const probs = tf.tidy(() => model.decode(model.sampleLatent(n, rng)));
    const values = await readAndDispose(probs);
    if (form === 'grey') return quantize(values);
    const out = new Uint8Array(values.length);
    if (form === 'bernoulli') for (let i = 0; i < values.length; i++) out[i] = rng.uniform() < values[i] ? 255 : 0;
    else for (let i = 0; i < values.length; i++) out[i] = values[i] >= 0.5 ? 255 : 0;
    return out;
  });
}

/** Encodes and decodes images of `from` (a permutation of it, cycling when count > from.count). */
export function sampleByReconstruction(model: GenerativeModel, count: number, rng: Rng, from: ImageSource, batchSize: number): Promise<ImageSet> {
  const order = drawIndices(from.count, count, rng);
  let offset = 0;
  return fillBatches(model.imageShape, count, batchSize, async (n) => {
    const idx = order.subarray(offset, offset + n);
    offset += n;
    const probs = tf.tidy(() => {
      const x = toFloatBatch(from, idx, model.flatInput);
      return model.decode(model.encode(x));
    });
    return quantize(await readAndDispose(probs));
  });
}

function drawIndices(available: number, count: number, rng: Rng): Uint32Array {
  const out = new Uint32Array(count);
  for (let filled = 0; filled < count; filled += available) {
    const perm = rng.permutation(available);
    out.set(perm.subarray(0, Math.min(available, count - filled)), filled);
  }
  return out;
}

async function fillBatches(shape: ImageShape, count: number, batchSize: number, batch: (n: number) => Promise<Uint8Array>): Promise<ImageSet> {
  const per = pixelsPerImage(shape);
  const pixels = new Uint8Array(count * per);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    pixels.set(await batch(n), start * per);
  }
  return createImageSet(pixels, shape);
}

/**
 * A tensor's values, read asynchronously (a synchronous read blocks a GPU and fails on WebGPU), and
 * the tensor disposed, also when the read fails.
 */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** A [count, dim] tensor of N(0, scale²) draws from `rng` (so sampling does not depend on tfjs's RNG). */
export function normalTensor(rng: Rng, count: number, dim: number, scale = 1): tf.Tensor2D {
  const v = new Float32Array(count * dim);
  for (let i = 0; i < v.length; i++) v[i] = scale * rng.normal();
  return tf.tensor2d(v, [count, dim]);
}
