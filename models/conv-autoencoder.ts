/**
 * A convolutional autoencoder: the conv VAE's encoder and decoder (models/conv.ts) with a linear
 * code instead of a posterior, and the same Bernoulli (cross-entropy) reconstruction loss in nats per
 * image. Made generative like the dense AE: a Gaussian fitted to its training set's codes
 * ('latent-gaussian') or re-encoded training images ('reconstruct').
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../data/images.ts';
import { applyDecoder, applyEncoder, convDecoder, convEncoder, convVariablesOf, decoderSymbolic, decoderVariables, encoderSymbolic } from './conv.ts';
import { CONV_CELEBA, convPresetFor } from './conv-vae.ts';
import { applyDense, denseUnit, trainableVariables } from './dense.ts';
import { drawLatentGaussian, fitLatentGaussian } from './latent-gaussian.ts';
import type { LatentGaussian } from './latent-gaussian.ts';
import { bernoulliNll } from './losses.ts';
import { sampleByReconstruction, sampleFromLatent } from './sampling.ts';
import type { GenerativeModel } from './types.ts';

export interface ConvAutoencoderOptions {
  /** Image height, width, channels. Defaults to [64, 64, 3] (CelebA). */
  imageShape?: ImageShape;
  /** Channels of the encoder's stride-2 convs (the decoder mirrors them). Defaults to convPresetFor(imageShape).channels. */
  channels?: number[];
  /** Kernel size of every conv. Defaults to 4. */
  kernelSize?: number;
  /** Code dimension. Defaults to convPresetFor(imageShape).latentDim (20 for MNIST, 128 otherwise). */
  latentDim?: number;
  /** 'latent-gaussian' decodes draws from a Gaussian fitted to the codes; 'reconstruct' re-encodes training images. Defaults to 'latent-gaussian'. */
  sampling?: 'latent-gaussian' | 'reconstruct';
  /** Seed of the weight initialisation. Defaults to 0. */
  seed?: number;
}

export function createConvAutoencoder(options: ConvAutoencoderOptions = {}): GenerativeModel {
  const imageShape = options.imageShape ?? CONV_CELEBA.imageShape;
  const preset = convPresetFor(imageShape);
  const arch = {
    imageShape,
    channels: options.channels ?? preset.channels,
    kernelSize: options.kernelSize ?? preset.kernelSize,
    latentDim: options.latentDim ?? preset.latentDim,
  };
  const sampling = options.sampling ?? 'latent-gaussian';
  const seed = options.seed ?? 0;
  if (sampling !== 'latent-gaussian' && sampling !== 'reconstruct') {
    throw new Error(`createConvAutoencoder: sampling '${String(sampling)}' is not an autoencoder sampling mode; expected 'latent-gaussian' or 'reconstruct'.`);
  }
  const { latentDim } = arch;
  const encoder = convEncoder('createConvAutoencoder', arch, seed, 0);
  const codeHead = denseUnit({ units: latentDim, activation: 'linear', name: 'code' }, seed, encoder.length);
  const decoder = convDecoder('createConvAutoencoder', arch, seed, encoder.length + 1);

  const input = tf.input({ shape: [...imageShape], name: 'image' });
  const code = codeHead.layer.apply(encoderSymbolic(encoder, input)) as tf.SymbolicTensor;
  const network = tf.model({ inputs: input, outputs: [code, decoderSymbolic(decoder, code)], name: 'conv_autoencoder' });
  const variables = [...convVariablesOf(encoder), ...trainableVariables([codeHead]), ...decoderVariables(decoder)];
  const encodeCode = (x: tf.Tensor4D) => applyDense(codeHead, applyEncoder(encoder, x));
  const recon = (x: tf.Tensor4D) => bernoulliNll(applyDecoder(decoder, encodeCode(x)), x);
  let latent: LatentGaussian | null = null;

  const model: GenerativeModel = {
    kind: 'ae',
    arch: 'conv',
    imageShape,
    latentDim,
    flatInput: false,
    config: { kind: 'ae', arch: 'conv', imageShape: [...imageShape], channels: [...arch.channels], kernelSize: arch.kernelSize, latentDim, sampling },
    network,
    trainStep(batch, optimizer) {
      return tf.tidy(() => optimizer.minimize(() => tf.mean(recon(batch as tf.Tensor4D)) as tf.Scalar, true, variables) as tf.Scalar);
    },
    lossSums(batch) {
      return tf.tidy(() => {
        const r = tf.sum(recon(batch as tf.Tensor4D));
        return tf.stack([r, r, tf.zerosLike(r)]) as tf.Tensor1D;
      });
    },
    encode: (batch) => tf.tidy(() => encodeCode(batch as tf.Tensor4D)),
    decode: (z) => tf.tidy(() => tf.sigmoid(applyDecoder(decoder, z))),
    sampleLatent(count, rng) {
      if (!latent) throw new Error('The autoencoder has no latent Gaussian yet; call prepareSampling(trainingSet) after training.');
      return drawLatentGaussian(latent, count, rng);
    },
    prepareSampling(train, batchSize) {
      if (sampling === 'latent-gaussian') latent = fitLatentGaussian(train, batchSize, false, latentDim, model.encode);
    },
    sample(count, rng, from, batchSize) {
      return sampling === 'reconstruct'
        ? sampleByReconstruction(model, count, rng, from, batchSize)
        : sampleFromLatent(model, count, rng, batchSize, false);
    },
    dispose: () => network.dispose(),
  };
  return model;
}
