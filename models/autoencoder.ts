/**
 * The dense MNIST autoencoder: 784-400-20-400-784 with a linear 20-d code and a Bernoulli
 * (cross-entropy) reconstruction loss, in nats per image. It is made generative by fitting a
 * Gaussian to its training set's codes ('latent-gaussian') or by re-encoding its training images
 * ('reconstruct').
 */
import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/images.ts';
import type { ImageShape } from '../data/images.ts';
import { applyStack, applyStackSymbolic, denseUnit, trainableVariables } from './dense.ts';
import type { DenseUnit } from './dense.ts';
import { drawLatentGaussian, fitLatentGaussian } from './latent-gaussian.ts';
import type { LatentGaussian } from './latent-gaussian.ts';
import { bernoulliNll } from './losses.ts';
import { sampleByReconstruction, sampleFromLatent } from './sampling.ts';
import type { GenerativeModel } from './types.ts';
import { checkSizes } from './vae.ts';

export interface AutoencoderOptions {
  /** Image height, width, channels. Defaults to [28, 28, 1] (MNIST). */
  imageShape?: ImageShape;
  /** Hidden layer sizes of the encoder (the decoder mirrors them). Defaults to [400]. */
  hidden?: number[];
  /** Code dimension. Defaults to 20. */
  latentDim?: number;
  /** 'latent-gaussian' decodes draws from a Gaussian fitted to the codes; 'reconstruct' re-encodes training images. Defaults to 'latent-gaussian'. */
  sampling?: 'latent-gaussian' | 'reconstruct';
  /** Seed of the weight initialisation. Defaults to 0. */
  seed?: number;
}

export function createAutoencoder(options: AutoencoderOptions = {}): GenerativeModel {
  const imageShape = options.imageShape ?? [28, 28, 1];
  const hidden = options.hidden ?? [400];
  const latentDim = options.latentDim ?? 20;
  const sampling = options.sampling ?? 'latent-gaussian';
  const seed = options.seed ?? 0;
  checkSizes('createAutoencoder', hidden, latentDim);
  if (sampling !== 'latent-gaussian' && sampling !== 'reconstruct') {
    throw new Error(`createAutoencoder: sampling '${String(sampling)}' is not an autoencoder sampling mode; expected 'latent-gaussian' or 'reconstruct'.`);
  }
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
  const variables = trainableVariables([...encoder, ...decoder]);
  const recon = (x: tf.Tensor2D) => bernoulliNll(applyStack(decoder, applyStack(encoder, x)), x);
  let latent: LatentGaussian | null = null;

  const model: GenerativeModel = {
    kind: 'ae',
    arch: 'dense',
    imageShape,
    latentDim,
    flatInput: true,
    config: { kind: 'ae', arch: 'dense', imageShape: [...imageShape], hidden: [...hidden], latentDim, sampling },
    network,
    trainStep(batch, optimizer) {
      return tf.tidy(() => optimizer.minimize(() => tf.mean(recon(batch as tf.Tensor2D)) as tf.Scalar, true, variables) as tf.Scalar);
    },
    lossSums(batch) {
      return tf.tidy(() => {
        const r = tf.sum(recon(batch as tf.Tensor2D));
        return tf.stack([r, r, tf.zerosLike(r)]) as tf.Tensor1D;
      });
    },
    encode: (batch) => tf.tidy(() => applyStack(encoder, batch as tf.Tensor2D)),
    decode: (z) => tf.tidy(() => tf.sigmoid(applyStack(decoder, z))),
    sampleLatent(count, rng) {
      if (!latent) throw new Error('The autoencoder has no latent Gaussian yet; call prepareSampling(trainingSet) after training.');
      return drawLatentGaussian(latent, count, rng);
    },
    prepareSampling(train, batchSize) {
      if (sampling === 'latent-gaussian') latent = fitLatentGaussian(train, batchSize, true, latentDim, model.encode);
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
