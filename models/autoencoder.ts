/**
 * The dense MNIST autoencoder: 784-400-20-400-784 with a linear 20-d code and a Bernoulli
 * (cross-entropy) reconstruction loss, in nats per image. It is made generative by fitting a
 * Gaussian to its training set's codes ('latent-gaussian') or by re-encoding its training images
 * ('reconstruct').
 */
import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/images.ts';
import { applyStack, applyStackSymbolic, denseUnit, trainableVariables } from './dense.ts';
import type { DenseModelOptions, DenseUnit } from './dense.ts';
import { autoencoderFamily } from './families.ts';
import type { GenerativeModel } from './types.ts';
import { resolveCommon, resolveDenseArch } from './options.ts';
import type { AutoencoderSampling } from './options.ts';

export interface AutoencoderOptions extends DenseModelOptions {
  /** 'latent-gaussian' decodes draws from a Gaussian fitted to the codes; 'reconstruct' re-encodes training images. Defaults to 'latent-gaussian'. */
  sampling?: AutoencoderSampling;
}

export function createAutoencoder(options: AutoencoderOptions = {}): GenerativeModel {
  const { imageShape, hidden, latentDim } = resolveDenseArch('createAutoencoder', options);
  const { sampling, seed } = resolveCommon('createAutoencoder', 'ae', options);
  const inputDim = pixelsPerImage(imageShape);

  let index = 0;
  const encoder: DenseUnit[] = [
    ...hidden.map((units, i) => denseUnit({ units, activation: 'relu', name: `enc_${i}` }, seed, index++)),
    denseUnit({ units: latentDim, activation: 'linear', name: 'code' }, seed, index++),
  ];
  const decoder: DenseUnit[] = [
    ...[...hidden].reverse().map((units, i) => denseUnit({ units, activation: 'relu', name: `dec_${i}` }, seed, index++)),
    denseUnit({ units: inputDim, activation: 'linear', name: 'logits' }, seed, index++),
  ];
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
  });
}
