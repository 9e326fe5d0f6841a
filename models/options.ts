/**
 * What every model factory does first: fill in the defaults of its options and check them. The
 * family decides the sampling modes (SAMPLING_MODES), the architecture its sizes (dense.ts,
 * conv-vae.ts).
 */
import { totalmem } from 'node:os';
import type { ImageShape } from '../data/images.ts';
import { OptionError, opt, say, show } from '../lib/options.ts';
import type { DenseModelOptions } from './dense.ts';
import type { ModelKind } from './types.ts';

/**
 * Each family's sampling modes, the first being the default. A VAE decodes draws from its prior; an
 * autoencoder draws codes from a Gaussian fitted to its training set's codes ('latent-gaussian',
 * 'bernoulli', 'threshold') or re-encodes training images ('reconstruct'). The decoded pixel
 * probabilities p then become images as grey levels ('mean', 'latent-gaussian', 'reconstruct'),
 * Bernoulli(p) draws ('bernoulli') or p thresholded at 1/2 ('threshold'): the last two are binary.
 */
export const SAMPLING_MODES = {
  vae: ['mean', 'bernoulli', 'threshold'],
  ae: ['latent-gaussian', 'reconstruct', 'bernoulli', 'threshold'],
} as const satisfies Record<ModelKind, readonly string[]>;

/** How decoded probabilities become pixels: grey levels, Bernoulli draws, or thresholded at 1/2. */
export type PixelForm = 'grey' | 'bernoulli' | 'threshold';

/** The pixel form of a sampling mode. */
export function pixelForm(sampling: string): PixelForm {
  return sampling === 'bernoulli' || sampling === 'threshold' ? sampling : 'grey';
}

/** The sampling options every factory takes besides its mode. */
export interface SamplingTemperatureOption {
  /**
   * λ, the sampling bias of Alemohammad et al. (2023): latent draws are scaled by λ, so a VAE draws
   * z ~ N(0, λ²I) and an autoencoder draws from its fitted Gaussian with the covariance times λ²
   * (λ < 1: less diverse, more typical samples). Recorded in the model's config when not 1.
   * Defaults to 1.
   */
  samplingTemperature?: number;
}

export type VaeSampling = (typeof SAMPLING_MODES.vae)[number];
export type AutoencoderSampling = (typeof SAMPLING_MODES.ae)[number];

const FAMILY_NAME: Record<ModelKind, string> = { vae: 'a VAE', ae: 'an autoencoder' };

/** The options every factory shares: the sampling mode (checked against the family's) and the seed. */
export function resolveCommon<K extends ModelKind>(
  owner: string,
  kind: K,
  options: { sampling?: string; samplingTemperature?: number; seed?: number },
): { sampling: (typeof SAMPLING_MODES)[K][number]; samplingTemperature: number; seed: number } {
  const modes: readonly string[] = SAMPLING_MODES[kind];
  const sampling = options.sampling ?? modes[0];
  if (!modes.includes(sampling)) {
    const quoted = modes.map((m) => `'${m}'`);
    throw new Error(
      `${owner}: sampling '${String(sampling)}' is not ${FAMILY_NAME[kind]} sampling mode; ` +
        `expected ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}.`,
    );
  }
  const samplingTemperature = options.samplingTemperature ?? 1;
  if (!(typeof samplingTemperature === 'number' && Number.isFinite(samplingTemperature) && samplingTemperature > 0)) {
    throw new Error(
      `${owner}: samplingTemperature ${String(samplingTemperature)} is not valid; expected a ` +
        `positive number (1 samples as trained, below 1 less diverse).`,
    );
  }
  if (samplingTemperature < MIN_TEMPERATURE || samplingTemperature > MAX_TEMPERATURE) {
    throw new OptionError('samplingTemperature', samplingTemperature, [
      ...say`${owner}: ${opt('samplingTemperature')} ${samplingTemperature} is outside [${MIN_TEMPERATURE}, ${MAX_TEMPERATURE}]; `,
      ...say`expected a number in that range (beyond it, float32 latent draws are 0 or infinite and `,
      ...say`every sample is the same image).`,
    ]);
  }
  return { sampling: sampling as (typeof SAMPLING_MODES)[K][number], samplingTemperature, seed: options.seed ?? 0 };
}

/** Temperatures that keep scaled latent draws finite and distinct in float32 (its range is about 1e-38 to 3e38). */
const MIN_TEMPERATURE = 1e-30;
const MAX_TEMPERATURE = 1e30;

/** Bytes training needs per weight: the float32 weight, its gradient and Adam's two moments. */
export const TRAINING_BYTES_PER_WEIGHT = 16;

/** Weights (kernels and biases) of a dense encoder -> `heads` latent heads -> mirrored decoder. */
function denseWeightCount(pixels: number, hidden: readonly number[], latentDim: number, heads: number): number {
  const layer = (from: number, to: number) => (from + 1) * to;
  const enc = [pixels, ...hidden];
  const dec = [latentDim, ...[...hidden].reverse(), pixels];
  let n = heads * layer(enc[enc.length - 1], latentDim);
  for (let i = 0; i + 1 < enc.length; i++) n += layer(enc[i], enc[i + 1]);
  for (let i = 0; i + 1 < dec.length; i++) n += layer(dec[i], dec[i + 1]);
  return n;
}

/**
 * Refuses, before a weight is allocated, a dense network whose training would not fit in half of this machine's
 * memory.
 */
function checkDenseSize(
  owner: string,
  imageShape: ImageShape,
  hidden: number[],
  latentDim: number,
  heads: number,
): void {
  const weights = denseWeightCount(imageShape[0] * imageShape[1] * imageShape[2], hidden, latentDim, heads);
  const budget = totalmem() / 2;
  if (weights * TRAINING_BYTES_PER_WEIGHT > budget) {
    const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
    // The layers that hold most of the weights, and of their two sizes the larger, name the setting to lower.
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    const h0 = hidden[0];
    const hLast = hidden[hidden.length - 1];
    const latentLayers = (heads + 1) * (hLast + 1) * latentDim;
    const imageLayers = 2 * (pixels + 1) * h0;
    const culprit =
      latentLayers >= Math.max(imageLayers, weights - latentLayers - imageLayers)
        ? latentDim > hLast
          ? 'latentDim'
          : 'hidden'
        : imageLayers >= weights - latentLayers - imageLayers && pixels > h0
          ? 'imageShape'
          : 'hidden';
    const value = { latentDim, imageShape, hidden }[culprit];
    const given =
      culprit === 'hidden'
        ? say`${opt('hidden')} ${show(hidden)} with ${opt('latentDim')} ${latentDim}`
        : say`${opt(culprit)} ${show(value)} with ${opt('hidden')} ${show(hidden)}`;
    const sentence = [
      ...given,
      ...say` gives ${owner} a network of ${weights.toExponential(2)} weights, which need ${gb(weights * TRAINING_BYTES_PER_WEIGHT)} to train `,
      ...say`(weights, gradients and Adam's two moments); expected at most ${gb(budget)} (half of this machine's memory): lower ${opt(culprit)}.`,
    ];
    throw new OptionError(culprit, value, sentence);
  }
}

/**
 * A dense model's sizes, defaults filled in (the MNIST model, 784-400-20) and checked; `heads` latent heads (a
 * VAE: mean and log variance).
 */
export function resolveDenseArch(
  owner: string,
  options: DenseModelOptions,
  heads = 1,
): { imageShape: ImageShape; hidden: number[]; latentDim: number } {
  const imageShape = options.imageShape ?? [28, 28, 1];
  const hidden = options.hidden ?? [400];
  const latentDim = options.latentDim ?? 20;
  if (!Array.isArray(hidden) || !hidden.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(`${owner}: hidden sizes [${String(hidden)}] must be positive integers.`);
  }
  if (!(Number.isInteger(latentDim) && latentDim > 0)) {
    throw new Error(`${owner}: latentDim ${latentDim} must be a positive integer.`);
  }
  checkDenseSize(owner, imageShape, hidden, latentDim, heads);
  return { imageShape, hidden, latentDim };
}
