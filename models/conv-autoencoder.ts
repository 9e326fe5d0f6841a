/**
 * A convolutional autoencoder: the conv VAE's encoder and decoder (models/conv.ts) with a linear
 * code instead of a posterior, and the same Bernoulli (cross-entropy) reconstruction loss in nats per
 * image. Made generative like the dense AE: a Gaussian fitted to its training set's codes
 * ('latent-gaussian') or re-encoded training images ('reconstruct').
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
import { resolveConvArch } from './conv-presets.ts';
import type { ConvModelOptions } from './conv-presets.ts';
import { applyDense, denseUnit, trainableVariables } from './dense.ts';
import { autoencoderFamily } from './families.ts';
import { resolveCommon } from './options.ts';
import type { SamplingTemperatureOption, AutoencoderSampling } from './options.ts';
import type { GenerativeModel } from './types.ts';

export interface ConvAutoencoderOptions extends ConvModelOptions, SamplingTemperatureOption {
  /**
   * 'latent-gaussian' decodes draws from a Gaussian fitted to the codes; 'bernoulli' and 'threshold' make binary
   * images of the same (Bernoulli draws, p >= 1/2); 'reconstruct' re-encodes training images. Defaults to
   * 'latent-gaussian'.
   */
  sampling?: AutoencoderSampling;
}

/** A convolutional autoencoder, with the layers of the convolutional VAE and a linear code. */
export function createConvAutoencoder(options: ConvAutoencoderOptions = {}): GenerativeModel {
  const arch = resolveConvArch(options);
  const { imageShape } = arch;
  const { sampling, samplingTemperature, seed } = resolveCommon('createConvAutoencoder', 'ae', options);
  const { latentDim } = arch;
  const encoder = convEncoder('createConvAutoencoder', arch, seed, 0);
  const codeHead = denseUnit({ units: latentDim, activation: 'linear', name: 'code' }, seed, encoder.length);
  const decoder = convDecoder('createConvAutoencoder', arch, seed, encoder.length + 1);

  const input = tf.input({ shape: [...imageShape], name: 'image' });
  const code = codeHead.layer.apply(encoderSymbolic(encoder, input)) as tf.SymbolicTensor;
  const network = tf.model({
    inputs: input,
    outputs: [code, decoderSymbolic(decoder, code)],
    name: 'conv_autoencoder',
  });
  return autoencoderFamily({
    arch: 'conv',
    imageShape,
    latentDim,
    flatInput: false,
    config: { imageShape: [...imageShape], channels: [...arch.channels], kernelSize: arch.kernelSize, latentDim },
    network,
    variables: [...convVariablesOf(encoder), ...trainableVariables([codeHead]), ...decoderVariables(decoder)],
    encodeCode: (x) => applyDense(codeHead, applyEncoder(encoder, x as tf.Tensor4D)),
    decodeLogits: (z) => applyDecoder(decoder, z),
    sampling,
    samplingTemperature,
  });
}
