/**
 * A convolutional VAE: stride-2 convs down to a small feature map, dense heads for the posterior
 * N(mu, diag(exp(logVar))), then a dense layer and stride-2 transposed convs back up to pixel logits.
 * Same likelihood as the dense VAE (models/vae.ts): each pixel value in [0, 1] is scored by a
 * Bernoulli on its logit, summed over pixels (and channels), plus the KL to N(0, I); nats per image.
 *
 * Presets: `CONV_MNIST` is the conv VAE Shumailov et al. (2024) use on MNIST (two 4x4 stride-2 convs
 * of 64 and 128 channels, latent 20); `CONV_CELEBA` is a DCGAN-style 64x64x3 model.
 */
import * as tf from '../lib/tfjs.ts';
import type { ImageShape } from '../data/images.ts';
import { applyDecoder, applyEncoder, convDecoder, convEncoder, convVariablesOf, decoderSymbolic, decoderVariables, encoderSymbolic } from './conv.ts';
import { applyDense, denseUnit, trainableVariables } from './dense.ts';
import { vaeFamily } from './families.ts';
import { resolveCommon } from './options.ts';
import type { SamplingTemperatureOption, VaeSampling } from './options.ts';
import type { GenerativeModel } from './types.ts';

/** Layer sizes of a conv VAE or AE. */
export interface ConvPreset {
  imageShape: [number, number, number];
  channels: number[];
  kernelSize: number;
  latentDim: number;
}

/** MNIST, as in Shumailov et al. (2024): 28x28x1 -> 14x14x64 -> 7x7x128 -> 20. */
export const CONV_MNIST: Readonly<ConvPreset> = Object.freeze<ConvPreset>({ imageShape: [28, 28, 1], channels: [64, 128], kernelSize: 4, latentDim: 20 });

/** CelebA at 64x64: 64x64x3 -> 32x32x32 -> 16x16x64 -> 8x8x128 -> 4x4x256 -> 128. */
export const CONV_CELEBA: Readonly<ConvPreset> = Object.freeze<ConvPreset>({ imageShape: [64, 64, 3], channels: [32, 64, 128, 256], kernelSize: 4, latentDim: 128 });

/**
 * The default layer sizes for an image shape: the MNIST preset for 28x28x1, otherwise the CelebA
 * channels with as many stride-2 layers (at most 4) as keep the smallest feature map at least 4
 * pixels wide.
 */
export function convPresetFor(imageShape: ImageShape): ConvPreset {
  const [h, w, c] = imageShape;
  if (h === 28 && w === 28 && c === 1) return { ...CONV_MNIST, imageShape: [h, w, c], channels: [...CONV_MNIST.channels] };
  let layers = 0;
  while (layers < 4 && h % 2 ** (layers + 1) === 0 && w % 2 ** (layers + 1) === 0 && Math.min(h, w) / 2 ** (layers + 1) >= 4) layers++;
  return { ...CONV_CELEBA, imageShape: [h, w, c], channels: CONV_CELEBA.channels.slice(0, Math.max(1, layers)) };
}

/** The options the conv VAE and conv autoencoder share. */
export interface ConvModelOptions {
  /** Image height, width, channels. Defaults to [64, 64, 3] (CelebA). */
  imageShape?: ImageShape;
  /** Channels of the encoder's stride-2 convs (the decoder mirrors them). Defaults to convPresetFor(imageShape).channels. */
  channels?: number[];
  /** Kernel size of every conv. Defaults to 4. */
  kernelSize?: number;
  /** Latent (code) dimension. Defaults to convPresetFor(imageShape).latentDim (20 for MNIST, 128 otherwise). */
  latentDim?: number;
  /** Seed of the weight initialisation. Defaults to 0. */
  seed?: number;
}

/** The architecture the options ask for, preset values filling what they leave out. */
export function resolveConvArch(options: ConvModelOptions) {
  const imageShape = options.imageShape ?? CONV_CELEBA.imageShape;
  const preset = convPresetFor(imageShape);
  return {
    imageShape,
    channels: options.channels ?? preset.channels,
    kernelSize: options.kernelSize ?? preset.kernelSize,
    latentDim: options.latentDim ?? preset.latentDim,
  };
}

export interface ConvVaeOptions extends ConvModelOptions, SamplingTemperatureOption {
  /** 'mean' quantises the decoded probabilities; 'bernoulli' draws binary pixels from them; 'threshold' sets the pixels where they are at least 1/2. Defaults to 'mean'. */
  sampling?: VaeSampling;
}

export function createConvVae(options: ConvVaeOptions = {}): GenerativeModel {
  const arch = resolveConvArch(options);
  const { imageShape } = arch;
  const { sampling, samplingTemperature, seed } = resolveCommon('createConvVae', 'vae', options);
  const { latentDim } = arch;
  const encoder = convEncoder('createConvVae', arch, seed, 0);
  let index = encoder.length;
  const muHead = denseUnit({ units: latentDim, activation: 'linear', name: 'z_mean' }, seed, index++);
  const logVarHead = denseUnit({ units: latentDim, activation: 'linear', name: 'z_log_var' }, seed, index++);
  const decoder = convDecoder('createConvVae', arch, seed, index);

  // The saved network maps an image to [z_mean, z_log_var, logits of the decoded z_mean].
  const input = tf.input({ shape: [...imageShape], name: 'image' });
  const features = encoderSymbolic(encoder, input);
  const mu = muHead.layer.apply(features) as tf.SymbolicTensor;
  const logVar = logVarHead.layer.apply(features) as tf.SymbolicTensor;
  const network = tf.model({ inputs: input, outputs: [mu, logVar, decoderSymbolic(decoder, mu)], name: 'conv_vae' });
  return vaeFamily({
    arch: 'conv',
    imageShape,
    latentDim,
    flatInput: false,
    config: { imageShape: [...imageShape], channels: [...arch.channels], kernelSize: arch.kernelSize, latentDim },
    network,
    variables: [...convVariablesOf(encoder), ...trainableVariables([muHead, logVarHead]), ...decoderVariables(decoder)],
    encodePosterior: (x) => {
      const h = applyEncoder(encoder, x as tf.Tensor4D);
      return { mu: applyDense(muHead, h), logVar: applyDense(logVarHead, h) };
    },
    decodeLogits: (z) => applyDecoder(decoder, z),
    sampling,
    samplingTemperature,
  });
}
