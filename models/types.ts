/**
 * The interface every generative model family implements. lib/ depends on this file only, never on
 * a concrete model, so the trainer knows nothing about the model it trains.
 */
import type * as tf from '../lib/tfjs.ts';
import type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
import type { Rng } from '../lib/rng.ts';

/** The image families. */
export type ModelKind = 'vae' | 'ae';

/** Loss parts per image, in nats. `kl` is 0 for an autoencoder. */
export interface LossParts {
  total: number;
  recon: number;
  kl: number;
}

/** How a model draws synthetic images. */
export type SamplingMode =
  | 'mean' // VAE: z ~ N(0, λ²I), decoded pixel probabilities, quantised
  | 'bernoulli' // VAE: as 'mean' (AE: as 'latent-gaussian'), then each pixel drawn from Bernoulli(p)
  | 'threshold' // VAE: as 'mean' (AE: as 'latent-gaussian'), then each pixel 255 where p >= 1/2, else 0
  | 'latent-gaussian' // AE: a Gaussian fitted to the training set's latent codes (covariance times λ²), decoded
  | 'reconstruct'; // AE: training images encoded and decoded

export interface GenerativeModel {
  /** An image family, or 'gpt' (models/gpt.ts: examples are windows of character ids). */
  readonly kind: ModelKind | 'gpt';
  /** The architecture's name, e.g. 'dense' or 'conv'. */
  readonly arch: string;
  readonly imageShape: ImageShape;
  readonly latentDim: number;
  /** True when batches are [n, h*w*c] (dense models), false when [n, h, w, c] (convolutional). */
  readonly flatInput: boolean;
  /** Everything needed to rebuild the model (goes into run.json). */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * One network holding every trainable weight (image -> outputs), saved as model.json + weights.bin
   * and loadable with tf.loadLayersModel.
   */
  readonly network: tf.LayersModel;
  /**
   * One optimiser step on `batch`. Returns the batch's mean loss per image as a scalar the caller
   * owns: reading it forces a device sync, so the trainer reads it only when it reports.
   * `seed` drives the step's randomness (the VAE's reparameterisation noise).
   */
  trainStep(batch: tf.Tensor, optimizer: tf.Optimizer, seed: number): tf.Scalar;
  /**
   * The batch trainStep and lossSums take for the examples at `indices` (the caller disposes it).
   * Defaults to toFloatBatch(source, indices, flatInput): pixels in [0, 1]. The GPT's examples are
   * character ids, which it takes as int32.
   */
  toBatch?(source: ImageSource, indices: ArrayLike<number>): tf.Tensor;
  /** The optimizer fit() trains it with. Defaults to tf.train.adam(learningRate) (betas 0.9, 0.999). */
  createOptimizer?(learningRate: number): tf.Optimizer;
  /** Loss parts summed over the batch, as a tensor [total, recon, kl] the caller owns. */
  lossSums(batch: tf.Tensor, seed: number): tf.Tensor1D;
  /** Latent codes of a batch (VAE: the posterior means), [n, latentDim]. */
  encode(batch: tf.Tensor): tf.Tensor2D;
  /** Pixel values in [0, 1] for latent codes, shaped like a batch. */
  decode(z: tf.Tensor2D): tf.Tensor;
  /**
   * Draws a latent code per row for sampling, [count, latentDim]. The VAE draws from its prior; the AE
   * from the Gaussian fitted by prepareSampling.
   */
  sampleLatent(count: number, rng: Rng): tf.Tensor2D;
  /** Training images prepareSampling needs (the AE's latent Gaussian: 2); checked for every generation before the first. Defaults to 1. */
  readonly minTrainImages?: number;
  /** Called once after training, before sampling (the AE fits its latent Gaussian here). */
  prepareSampling(train: ImageSource, batchSize: number): Promise<void>;
  /** `count` synthetic images, quantised to uint8. `from` is the training set (for 'reconstruct'). */
  sample(count: number, rng: Rng, from: ImageSource, batchSize: number): Promise<ImageSet>;
  /** Frees every tensor the model holds. */
  dispose(): void;
}

/** What the trainer passes to a model factory: the seed of the fresh initialisation. */
export interface ModelInit {
  seed: number;
}

export type ModelFactory = (init: ModelInit) => GenerativeModel;
