/**
 * The classic dense MNIST VAE (Kingma & Welling 2014; pytorch/examples vae): 784-400-(20, 20)-400-784,
 * Bernoulli decoder on logits. Loss per image in nats: summed binary cross-entropy over pixels + KL.
 */
import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/images.ts';
import type { ImageShape, ImageSource } from '../data/images.ts';
import { tfSeed } from '../lib/rng.ts';
import type { Rng } from '../lib/rng.ts';
import { applyStack, applyStackSymbolic, denseUnit, trainableVariables } from './dense.ts';
import type { DenseUnit } from './dense.ts';
import { bernoulliNll, gaussianKl } from './losses.ts';
import { normalTensor, sampleFromLatent } from './sampling.ts';
import type { GenerativeModel } from './types.ts';

export interface VaeOptions {
  /** Image height, width, channels. Defaults to [28, 28, 1] (MNIST). */
  imageShape?: ImageShape;
  /** Hidden layer sizes of the encoder (the decoder mirrors them). Defaults to [400]. */
  hidden?: number[];
  /** Latent dimension. Defaults to 20. */
  latentDim?: number;
  /** 'mean' quantises the decoded probabilities; 'bernoulli' draws binary pixels. Defaults to 'mean'. */
  sampling?: 'mean' | 'bernoulli';
  /** Seed of the weight initialisation. Defaults to 0. */
  seed?: number;
}

export function createVae(options: VaeOptions = {}): GenerativeModel {
  const imageShape = options.imageShape ?? [28, 28, 1];
  const hidden = options.hidden ?? [400];
  const latentDim = options.latentDim ?? 20;
  const sampling = options.sampling ?? 'mean';
  const seed = options.seed ?? 0;
  checkSizes('createVae', hidden, latentDim);
  if (sampling !== 'mean' && sampling !== 'bernoulli') {
    throw new Error(`createVae: sampling '${String(sampling)}' is not a VAE sampling mode; expected 'mean' or 'bernoulli'.`);
  }
  const inputDim = pixelsPerImage(imageShape);

  let index = 0;
  const encoder: DenseUnit[] = hidden.map((units, i) => denseUnit({ units, activation: 'relu', name: `enc_${i}` }, seed, index++));
  const muHead = denseUnit({ units: latentDim, activation: 'linear', name: 'z_mean' }, seed, index++);
  const logVarHead = denseUnit({ units: latentDim, activation: 'linear', name: 'z_log_var' }, seed, index++);
  const decoder: DenseUnit[] = [
    ...[...hidden].reverse().map((units, i) => denseUnit({ units, activation: 'relu', name: `dec_${i}` }, seed, index++)),
    denseUnit({ units: inputDim, activation: 'linear', name: 'logits' }, seed, index++),
  ];

  // The saved network maps an image to [z_mean, z_log_var, logits of the decoded z_mean].
  const input = tf.input({ shape: [inputDim], name: 'image' });
  const h = applyStackSymbolic(encoder, input);
  const mu = muHead.layer.apply(h) as tf.SymbolicTensor;
  const logVar = logVarHead.layer.apply(h) as tf.SymbolicTensor;
  const logits = applyStackSymbolic(decoder, mu);
  const network = tf.model({ inputs: input, outputs: [mu, logVar, logits], name: 'vae' });
  const variables = trainableVariables([...encoder, muHead, logVarHead, ...decoder]);

  const encodeParts = (x: tf.Tensor2D) => {
    const hh = applyStack(encoder, x);
    return { mu: applyStack([muHead], hh), logVar: applyStack([logVarHead], hh) };
  };
  // Per-image loss parts with z = mu + sigma * eps (the reparameterisation trick).
  const lossParts = (x: tf.Tensor2D, noiseSeed: number) => {
    const { mu: m, logVar: lv } = encodeParts(x);
    const eps = tf.randomNormal(m.shape, 0, 1, 'float32', tfSeed(noiseSeed));
    const z = tf.add(m, tf.mul(tf.exp(tf.mul(0.5, lv)), eps)) as tf.Tensor2D;
    const recon = bernoulliNll(applyStack(decoder, z), x);
    return { recon, kl: gaussianKl(m, lv) };
  };

  const model: GenerativeModel = {
    kind: 'vae',
    arch: 'dense',
    imageShape,
    latentDim,
    flatInput: true,
    config: { kind: 'vae', arch: 'dense', imageShape: [...imageShape], hidden: [...hidden], latentDim, sampling },
    network,
    trainStep(batch, optimizer, stepSeed) {
      return tf.tidy(() => {
        const cost = optimizer.minimize(
          () => {
            const { recon, kl } = lossParts(batch as tf.Tensor2D, stepSeed);
            return tf.mean(tf.add(recon, kl)) as tf.Scalar;
          },
          true,
          variables,
        );
        return cost as tf.Scalar;
      });
    },
    lossSums(batch, evalSeed) {
      return tf.tidy(() => {
        const { recon, kl } = lossParts(batch as tf.Tensor2D, evalSeed);
        const r = tf.sum(recon);
        const k = tf.sum(kl);
        return tf.stack([tf.add(r, k), r, k]) as tf.Tensor1D;
      });
    },
    encode: (batch) => tf.tidy(() => encodeParts(batch as tf.Tensor2D).mu),
    decode: (z) => tf.tidy(() => tf.sigmoid(applyStack(decoder, z))),
    sampleLatent: (count: number, rng: Rng) => normalTensor(rng, count, latentDim),
    prepareSampling(_train: ImageSource, _batchSize: number) {
      // The VAE samples from its prior: nothing to fit.
    },
    sample: (count, rng, _from, batchSize) => sampleFromLatent(model, count, rng, batchSize, sampling === 'bernoulli'),
    dispose: () => network.dispose(),
  };
  return model;
}

export function checkSizes(owner: string, hidden: number[], latentDim: number): void {
  if (!Array.isArray(hidden) || !hidden.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(`${owner}: hidden sizes [${String(hidden)}] must be positive integers.`);
  }
  if (!(Number.isInteger(latentDim) && latentDim > 0)) {
    throw new Error(`${owner}: latentDim ${latentDim} must be a positive integer.`);
  }
}
