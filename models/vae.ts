/**
 * The classic dense MNIST VAE (Kingma & Welling 2014; pytorch/examples vae): 784-400-(20, 20)-400-784,
 * Bernoulli decoder on logits. Loss per image in nats: summed binary cross-entropy over pixels + KL.
 */
import * as tf from '@tensorflow/tfjs';
import { pixelsPerImage } from '../data/images.ts';
import { applyStack, applyStackSymbolic, denseUnit, trainableVariables } from './dense.ts';
import type { DenseModelOptions, DenseUnit } from './dense.ts';
import { vaeFamily } from './families.ts';
import type { GenerativeModel } from './types.ts';

export interface VaeOptions extends DenseModelOptions {
  /** 'mean' quantises the decoded probabilities; 'bernoulli' draws binary pixels. Defaults to 'mean'. */
  sampling?: 'mean' | 'bernoulli';
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
  return vaeFamily({
    arch: 'dense',
    imageShape,
    latentDim,
    flatInput: true,
    config: { imageShape: [...imageShape], hidden: [...hidden], latentDim },
    network,
    variables: trainableVariables([...encoder, muHead, logVarHead, ...decoder]),
    encodePosterior: (x) => {
      const hh = applyStack(encoder, x as tf.Tensor2D);
      return { mu: applyStack([muHead], hh), logVar: applyStack([logVarHead], hh) };
    },
    decodeLogits: (z) => applyStack(decoder, z),
    sampling,
  });
}

export function checkSizes(owner: string, hidden: number[], latentDim: number): void {
  if (!Array.isArray(hidden) || !hidden.every((u) => Number.isInteger(u) && u > 0)) {
    throw new Error(`${owner}: hidden sizes [${String(hidden)}] must be positive integers.`);
  }
  if (!(Number.isInteger(latentDim) && latentDim > 0)) {
    throw new Error(`${owner}: latentDim ${latentDim} must be a positive integer.`);
  }
}
