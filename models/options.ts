/**
 * What every model factory does first: fill in the defaults of its options and check them. The
 * family decides the sampling modes (a VAE: 'mean' or 'bernoulli'; an autoencoder: 'latent-gaussian'
 * or 'reconstruct'), the architecture its sizes (dense.ts, conv-vae.ts).
 */
import type { ImageShape } from '../data/images.ts';
import type { DenseModelOptions } from './dense.ts';
import type { ModelKind } from './types.ts';

/** Each family's sampling modes, the first being the default. */
export const SAMPLING_MODES = {
  vae: ['mean', 'bernoulli'],
  ae: ['latent-gaussian', 'reconstruct'],
} as const satisfies Record<ModelKind, readonly string[]>;

export type VaeSampling = (typeof SAMPLING_MODES.vae)[number];
export type AutoencoderSampling = (typeof SAMPLING_MODES.ae)[number];

const FAMILY_NAME: Record<ModelKind, string> = { vae: 'a VAE', ae: 'an autoencoder' };

/** The options every factory shares: the sampling mode (checked against the family's) and the seed. */
export function resolveCommon<K extends ModelKind>(owner: string, kind: K, options: { sampling?: string; seed?: number }): { sampling: (typeof SAMPLING_MODES)[K][number]; seed: number } {
  const modes: readonly string[] = SAMPLING_MODES[kind];
  const sampling = options.sampling ?? modes[0];
  if (!modes.includes(sampling)) {
    throw new Error(`${owner}: sampling '${String(sampling)}' is not ${FAMILY_NAME[kind]} sampling mode; expected ${modes.map((m) => `'${m}'`).join(' or ')}.`);
  }
  return { sampling: sampling as (typeof SAMPLING_MODES)[K][number], seed: options.seed ?? 0 };
}

/** A dense model's sizes, defaults filled in (the MNIST model, 784-400-20) and checked. */
export function resolveDenseArch(owner: string, options: DenseModelOptions): { imageShape: ImageShape; hidden: number[]; latentDim: number } {
  const imageShape = options.imageShape ?? [28, 28, 1];
  const hidden = options.hidden ?? [400];
  const latentDim = options.latentDim ?? 20;
  if (!Array.isArray(hidden) || !hidden.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(`${owner}: hidden sizes [${String(hidden)}] must be positive integers.`);
  }
  if (!(Number.isInteger(latentDim) && latentDim > 0)) {
    throw new Error(`${owner}: latentDim ${latentDim} must be a positive integer.`);
  }
  return { imageShape, hidden, latentDim };
}
