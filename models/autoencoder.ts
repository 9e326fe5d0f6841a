/**
 * The dense MNIST autoencoder: 784-400-20-400-784 with a linear 20-d code and a Bernoulli
 * (cross-entropy) reconstruction loss, in nats per image. It is made generative by fitting a
 * Gaussian to its training set's codes ('latent-gaussian') or by re-encoding its training images
 * ('reconstruct').
 */
import * as tf from '../lib/tfjs.ts';
import { pixelsPerImage } from '../data/images.ts';
import { applyStack, applyStackSymbolic, denseDecoder, denseUnit, hiddenUnits, trainableVariables } from './dense.ts';
import type { DenseModelOptions } from './dense.ts';
import { autoencoderFamily } from './families.ts';
import type { GenerativeModel } from './types.ts';
import { resolveCommon, resolveDenseArch } from './options.ts';
import type { SamplingTemperatureOption, AutoencoderSampling } from './options.ts';

export interface AutoencoderOptions extends DenseModelOptions, SamplingTemperatureOption {
  /** 'latent-gaussian' decodes draws from a Gaussian fitted to the codes; 'bernoulli' and 'threshold' make binary images of the same (Bernoulli draws, p >= 1/2); 'reconstruct' re-encodes training images. Defaults to 'latent-gaussian'. */
  sampling?: AutoencoderSampling;
}

/** A dense autoencoder (the dense VAE's layers, a linear code) whose samples come from a Gaussian fitted to its codes. */
export function createAutoencoder(options: AutoencoderOptions = {}): GenerativeModel {
  const { imageShape, hidden, latentDim } = resolveDenseArch('createAutoencoder', options);
  const { sampling, samplingTemperature, seed } = resolveCommon('createAutoencoder', 'ae', options);
  const inputDim = pixelsPerImage(imageShape);

  // Layer i is seeded from (seed, i): encoder, the code, then the decoder.
  const encoder = [...hiddenUnits('enc', hidden, seed, 0), denseUnit({ units: latentDim, activation: 'linear', name: 'code' }, seed, hidden.length)];
  const decoder = denseDecoder(hidden, inputDim, seed, hidden.length + 1);
  const input = tf.input({ shape: [inputDim], name: 'image' });
  const code = applyStackSymbolic(encoder, input);
  const network = tf.model({ inputs: input, outputs: [code, applyStackSymbolic(decoder, code)], name: 'autoencoder' });
  return autoencoderFamily({
    arch: 'dense',
    imageShape,
    latentDim,
    flatInput: true,
    config: { imageShape: [...imageShape], hidden: [...hidden], latentDim },
    network,
    variables: trainableVariables([...encoder, ...decoder]),
    encodeCode: (x) => applyStack(encoder, x as tf.Tensor2D),
    decodeLogits: (z) => applyStack(decoder, z),
    sampling,
    samplingTemperature,
  });
}
