/**
 * The classic dense MNIST VAE (Kingma & Welling 2014; pytorch/examples vae): 784-400-(20, 20)-400-784,
 * Bernoulli decoder on logits. Loss per image in nats: summed binary cross-entropy over pixels + KL.
 */
import * as tf from '../lib/tfjs.ts';
import { pixelsPerImage } from '../data/images.ts';
import { applyStack, applyStackSymbolic, denseDecoder, denseUnit, hiddenUnits, trainableVariables } from './dense.ts';
import type { DenseModelOptions } from './dense.ts';
import { vaeFamily } from './families.ts';
import { resolveCommon, resolveDenseArch } from './options.ts';
import type { SamplingTemperatureOption, VaeSampling } from './options.ts';
import type { GenerativeModel } from './types.ts';

export interface VaeOptions extends DenseModelOptions, SamplingTemperatureOption {
  /** 'mean' quantises the decoded probabilities; 'bernoulli' draws binary pixels from them; 'threshold' sets the pixels where they are at least 1/2. Defaults to 'mean'. */
  sampling?: VaeSampling;
}

export function createVae(options: VaeOptions = {}): GenerativeModel {
  const { imageShape, hidden, latentDim } = resolveDenseArch('createVae', options, 2);
  const { sampling, samplingTemperature, seed } = resolveCommon('createVae', 'vae', options);
  const inputDim = pixelsPerImage(imageShape);

  // Layer i is seeded from (seed, i): encoder, the two heads, then the decoder.
  const encoder = hiddenUnits('enc', hidden, seed, 0);
  const muHead = denseUnit({ units: latentDim, activation: 'linear', name: 'z_mean' }, seed, hidden.length);
  const logVarHead = denseUnit({ units: latentDim, activation: 'linear', name: 'z_log_var' }, seed, hidden.length + 1);
  const decoder = denseDecoder(hidden, inputDim, seed, hidden.length + 2);

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
    samplingTemperature,
  });
}
