/**
 * What training a conv VAE or autoencoder of models/conv.ts holds in memory, counted from its
 * architecture before a weight is allocated: its weights (each with a gradient and Adam's two
 * moments) and, per image of a batch, every feature map of the forward pass (kept for the backward
 * pass, matched by a gradient of the same size, and about as much again in temporaries).
 */
import type { ConvArch } from './conv.ts';
import { TRAINING_BYTES_PER_WEIGHT } from './options.ts';
/** Bytes per activation value of a batch: float32, kept, its gradient and a temporary. */
const TRAINING_BYTES_PER_ACTIVATION = 12;

export interface ConvTrainingSize {
  weights: number;
  /** Feature-map values of one image's forward pass, input and output included. */
  activationsPerImage: number;
  /** Bytes one training step holds at the given batch size. */
  bytes: number;
}

/** The counts for `arch` (the VAE's two latent heads, or the autoencoder's one) at `batchSize`. */
export function convTrainingSize(arch: ConvArch, heads: 1 | 2, batchSize: number): ConvTrainingSize {
  const [h, w, c] = arch.imageShape;
  const k2 = arch.kernelSize * arch.kernelSize;
  const channels = [c, ...arch.channels];
  let weights = 0;
  let maps = 0;
  for (let i = 1; i < channels.length; i++) {
    // The encoder's layer i and the decoder's mirror of it (channels[i] -> channels[i - 1]).
    weights += k2 * channels[i - 1] * channels[i] + channels[i] + k2 * channels[i] * channels[i - 1] + channels[i - 1];
    maps += 2 * (h / 2 ** i) * (w / 2 ** i) * channels[i];
  }
  const features = (h / 2 ** arch.channels.length) * (w / 2 ** arch.channels.length) * channels[channels.length - 1];
  weights += heads * (features + 1) * arch.latentDim + (arch.latentDim + 1) * features;
  const activationsPerImage = 2 * h * w * c + maps + (heads + 1) * arch.latentDim;
  return {
    weights,
    activationsPerImage,
    bytes: TRAINING_BYTES_PER_WEIGHT * weights + TRAINING_BYTES_PER_ACTIVATION * batchSize * activationsPerImage,
  };
}
