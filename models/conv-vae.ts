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
import {
  applyDecoder,
  applyEncoder,
  convDecoder,
  convEncoder,
  convVariablesOf,
  decoderSymbolic,
  decoderVariables,
  encoderSymbolic,
} from './conv.ts';
import { applyDense, denseUnit, trainableVariables } from './dense.ts';
import { vaeFamily } from './families.ts';
import { resolveCommon } from './options.ts';
import type { SamplingTemperatureOption, VaeSampling } from './options.ts';
import type { GenerativeModel } from './types.ts';
import { resolveConvArch } from './conv-presets.ts';
import type { ConvModelOptions } from './conv-presets.ts';

export { CONV_CELEBA, CONV_MNIST, convPresetFor, resolveConvArch } from './conv-presets.ts';
export type { ConvModelOptions, ConvPreset } from './conv-presets.ts';

export interface ConvVaeOptions extends ConvModelOptions, SamplingTemperatureOption {
  /**
   * 'mean' quantises the decoded probabilities; 'bernoulli' draws binary pixels from them; 'threshold' sets the
   * pixels where they are at least 1/2. Defaults to 'mean'.
   */
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
