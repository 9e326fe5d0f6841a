/**
 * A small character-level GPT as a GenerativeModel (nanoGPT's layout, models/gpt-network.ts). Its
 * examples are windows of block+1 character ids (data/text.ts); the loss is the mean cross-entropy
 * per character in nats. Training: Adam with betas 0.9 and 0.99 (nanoGPT's for small character
 * models), no weight decay, gradients clipped at global norm 1, no dropout. Sampling writes
 * `streams` texts at once (models/gpt-sampling.ts) and cuts them into windows.
 */
import * as tf from '../lib/tfjs.ts';
import { createImageSet } from '../data/images.ts';
import type { ImageSet, ImageSource } from '../data/images.ts';
import { windowShape } from '../data/text.ts';
import { checkInteger, checkPositive, invalidOption, OptionError, opt, say } from '../lib/options.ts';
import type { Rng } from '../lib/rng.ts';
import { gptNetwork, windowCrossEntropy } from './gpt-network.ts';
import type { GptParams, GptShape } from './gpt-network.ts';
import { sampleStreams } from './gpt-sampling.ts';
import type { GenerativeModel } from './types.ts';

/** Options of createGpt: vocabulary, layers, heads, width, block, learning rate and sampling. */
export interface GptOptions {
  /** The characters, in id order (data/text.ts's vocab). */
  vocab: readonly string[];
  /** Characters of context. Defaults to 64. */
  block?: number;
  /** Transformer blocks. Defaults to 2. */
  nLayer?: number;
  /** Attention heads per block (must divide nEmbd). Defaults to 4. */
  nHead?: number;
  /** Width of the residual stream. Defaults to 64. */
  nEmbd?: number;
  /** Texts written at once when sampling. Defaults to 64. */
  streams?: number;
  /** Logits are divided by it before the softmax when sampling. Defaults to 1. */
  samplingTemperature?: number;
  /** Sample only among the k most likely characters. Defaults to none (the full softmax). */
  topK?: number;
  /** Sample with the key/value cache (false: a full forward pass per character, for checks). Defaults to true. */
  kvCache?: boolean;
  /** Seed of the initial weights. Defaults to 0. */
  seed?: number;
}

/** The quick preset's model (nanoGPT's shakespeare-char, scaled down for a CPU). */
export { GPT_DEFAULTS } from './gpt-defaults.ts';
import { GPT_DEFAULTS } from './gpt-defaults.ts';

/** Adam as nanoGPT trains small character models: betas 0.9 and 0.99, epsilon 1e-8 (PyTorch's). */
export const GPT_ADAM = { beta1: 0.9, beta2: 0.99, epsilon: 1e-8 } as const;

/** Gradients are scaled down to this global norm when larger (torch.nn.utils.clip_grad_norm_). */
export const GPT_CLIP_NORM = 1;

export interface GptModel extends GenerativeModel {
  readonly kind: 'gpt';
  readonly vocab: readonly string[];
  readonly shape: GptShape;
  /** Mean cross-entropy (nats) per window of a batch [n, block+1] (int32), as a tensor [n] the caller owns. */
  windowLosses(batch: tf.Tensor): tf.Tensor1D;
  /** Every stream's characters (ids): `lengths[s]` characters for stream s, each from the start character. */
  sampleText(lengths: readonly number[], rng: Rng, options?: { cache?: boolean }): Promise<Uint8Array[]>;
}

export function createGpt(options: GptOptions): GptModel {
  const o = resolveGptOptions(options);
  const vocab = [...options.vocab];
  const shape: GptShape = { vocabSize: vocab.length, block: o.block, nLayer: o.nLayer, nHead: o.nHead, nEmbd: o.nEmbd };
  const { network, layer } = gptNetwork(shape, o.seed);
  const variables = () => layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const params = (): GptParams => layer.params();
  const imageShape = windowShape(o.block);
  // Streams start from a newline, or from the first character when the text has none.
  const start = Math.max(0, vocab.indexOf('\n'));
  const sampleText = (lengths: readonly number[], rng: Rng, s?: { cache?: boolean }) =>
    sampleStreams(params, shape, { lengths, start, temperature: o.samplingTemperature, topK: o.topK, cache: s?.cache ?? o.kvCache }, rng);
  const model: GptModel = {
    kind: 'gpt',
    arch: 'gpt',
    vocab,
    shape,
    imageShape,
    latentDim: 0,
    flatInput: true,
    config: {
      kind: 'gpt',
      arch: 'gpt',
      vocabSize: vocab.length,
      block: o.block,
      nLayer: o.nLayer,
      nHead: o.nHead,
      nEmbd: o.nEmbd,
      streams: o.streams,
      samplingTemperature: o.samplingTemperature,
      ...(o.topK !== undefined ? { topK: o.topK } : {}),
    },
    network,
    toBatch(source: ImageSource, indices: ArrayLike<number>) {
      return tf.tensor2d(Int32Array.from(source.gather(indices)), [indices.length, o.block + 1], 'int32');
    },
    createOptimizer: (learningRate: number) => tf.train.adam(learningRate, GPT_ADAM.beta1, GPT_ADAM.beta2, GPT_ADAM.epsilon),
    trainStep(batch, optimizer) {
      return tf.tidy(() => {
        const vars = variables();
        const { value, grads } = tf.variableGrads(() => tf.mean(windowCrossEntropy(params(), shape, batch as tf.Tensor2D)) as tf.Scalar, vars);
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(1, tf.div(GPT_CLIP_NORM, tf.add(norm, 1e-6)));
        optimizer.applyGradients(Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)])));
        return value;
      });
    },
    windowLosses: (batch) => tf.tidy(() => windowCrossEntropy(params(), shape, batch as tf.Tensor2D)),
    lossSums(batch) {
      return tf.tidy(() => {
        const total = tf.sum(windowCrossEntropy(params(), shape, batch as tf.Tensor2D));
        return tf.stack([total, total, tf.zerosLike(total)]) as tf.Tensor1D;
      });
    },
    encode: () => noLatent('encode'),
    decode: () => noLatent('decode'),
    sampleLatent: () => noLatent('sampleLatent'),
    async prepareSampling() {
      // Nothing to fit: the GPT samples from its own conditionals.
    },
    sampleText,
    async sample(count: number, rng: Rng, _from: ImageSource, _batchSize: number): Promise<ImageSet> {
      const width = o.block + 1;
      const lengths = streamWindows(count, o.streams).map((w) => w * width);
      const texts = await sampleText(lengths, rng);
      const pixels = new Uint8Array(count * width);
      let at = 0;
      for (const t of texts) {
        pixels.set(t, at);
        at += t.length;
      }
      return createImageSet(pixels, imageShape);
    },
    dispose: () => network.dispose(),
  };
  return model;
}

/** Windows each stream writes so that `count` windows come out: as even as possible, the first streams one more. */
export function streamWindows(count: number, streams: number): number[] {
  const s = Math.min(streams, count);
  return Array.from({ length: s }, (_, i) => Math.floor(count / s) + (i < count % s ? 1 : 0));
}

function noLatent(what: string): never {
  throw new Error(`The GPT has no latent space, so no ${what}(); expected an image model (VAE or autoencoder) for it.`);
}

function resolveGptOptions(options: GptOptions) {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', options, 'an object of createGpt options');
  const vocab = options.vocab;
  if (!Array.isArray(vocab) || vocab.length < 2 || vocab.length > 256) throw invalidOption('vocab', vocab, 'an array of 2 to 256 characters (data/text.ts loadText().vocab)');
  const o = { ...GPT_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as GptOptions & typeof GPT_DEFAULTS;
  const r = {
    block: checkInteger('block', o.block, 1),
    nLayer: checkInteger('nLayer', o.nLayer, 1),
    nHead: checkInteger('nHead', o.nHead, 1),
    nEmbd: checkInteger('nEmbd', o.nEmbd, 1),
    streams: checkInteger('streams', o.streams, 1),
    samplingTemperature: checkPositive('samplingTemperature', o.samplingTemperature),
    topK: o.topK === undefined ? undefined : checkInteger('topK', o.topK, 1),
    kvCache: o.kvCache,
    seed: checkInteger('seed', o.seed, 0),
  };
  if (r.nEmbd % r.nHead !== 0) throw new OptionError('nHead', r.nHead, say`${opt('nHead')} ${r.nHead} does not divide ${opt('nEmbd')} ${r.nEmbd}; expected a number of heads that splits the width evenly.`);
  return r;
}
