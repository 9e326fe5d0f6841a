/**
 * The GPT's weights and its forward pass, in nanoGPT's layout (Karpathy, nanoGPT model.py): token
 * plus learned position embedding; n_layer pre-LayerNorm blocks, each adding causal multi-head
 * self-attention and a 4x GELU MLP to the residual stream; a final LayerNorm; the output layer tied to
 * the token embedding. Every weight lives in one custom layer (GptLayer), so the network is a
 * tf.LayersModel that lib/run saves and tf.loadLayersModel reads back (once registerGptLayer() ran).
 * The forward pass optionally takes and returns each block's keys and values (the sampling cache).
 */
import * as tf from '../lib/tfjs.ts';

/** The architecture (nanoGPT's GPTConfig names in camelCase). */
export interface GptShape {
  vocabSize: number;
  /** Context length: the position embedding has `block` rows. */
  block: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

/** One block's weights, as tensors. */
export interface BlockParams {
  ln1g: tf.Tensor1D;
  ln1b: tf.Tensor1D;
  attnW: tf.Tensor2D;
  attnB: tf.Tensor1D;
  projW: tf.Tensor2D;
  projB: tf.Tensor1D;
  ln2g: tf.Tensor1D;
  ln2b: tf.Tensor1D;
  fcW: tf.Tensor2D;
  fcB: tf.Tensor1D;
  fc2W: tf.Tensor2D;
  fc2B: tf.Tensor1D;
}

export interface GptParams {
  wte: tf.Tensor2D;
  wpe: tf.Tensor2D;
  blocks: BlockParams[];
  lnfg: tf.Tensor1D;
  lnfb: tf.Tensor1D;
}

/** Keys and values of the positions seen so far, per block: [batch, heads, positions, head size]. */
export interface KvCache {
  k: tf.Tensor4D[];
  v: tf.Tensor4D[];
}

const BLOCK_WEIGHTS = ['ln1g', 'ln1b', 'attnW', 'attnB', 'projW', 'projB', 'ln2g', 'ln2b', 'fcW', 'fcB', 'fc2W', 'fc2B'] as const;

/** nanoGPT's init: N(0, 0.02), the residual projections N(0, 0.02 / sqrt(2 n_layer)), biases 0, LayerNorm gains 1. */
function initializer(name: string, nLayer: number, seed: number) {
  if (name.endsWith('g')) return tf.initializers.ones();
  if (/(^ln|B$|b$)/.test(name)) return tf.initializers.zeros();
  const stddev = name === 'projW' || name === 'fc2W' ? 0.02 / Math.sqrt(2 * nLayer) : 0.02;
  return tf.initializers.randomNormal({ mean: 0, stddev, seed });
}

function weightShape(name: string, s: GptShape): number[] {
  const c = s.nEmbd;
  const shapes: Record<string, number[]> = {
    wte: [s.vocabSize, c],
    wpe: [s.block, c],
    lnfg: [c],
    lnfb: [c],
    ln1g: [c],
    ln1b: [c],
    attnW: [c, 3 * c],
    attnB: [3 * c],
    projW: [c, c],
    projB: [c],
    ln2g: [c],
    ln2b: [c],
    fcW: [c, 4 * c],
    fcB: [4 * c],
    fc2W: [4 * c, c],
    fc2B: [c],
  };
  return shapes[name];
}

interface GptLayerArgs extends GptShape {
  /** Seed of the initial weights (weight i is drawn with a seed derived from it). */
  seed: number;
  name?: string;
}

/** Every weight of the GPT; its call() maps ids [n, t] (int32) to logits [n, t, vocab]. */
export class GptLayer extends tf.layers.Layer {
  static className = 'CollapseLabGpt';
  readonly shape: GptShape;
  private readonly seed: number;

  constructor(args: GptLayerArgs) {
    super({ name: args.name ?? 'gpt' });
    this.shape = { vocabSize: args.vocabSize, block: args.block, nLayer: args.nLayer, nHead: args.nHead, nEmbd: args.nEmbd };
    this.seed = args.seed;
  }

  override build(): void {
    const names = ['wte', 'wpe', ...Array.from({ length: this.shape.nLayer }, (_, l) => BLOCK_WEIGHTS.map((w) => `h${l}_${w}`)).flat(), 'lnfg', 'lnfb'];
    names.forEach((name, i) => {
      const base = name.replace(/^h\d+_/, '');
      // Weight i's seed: distinct per weight, fixed by the model's seed (tfjs treats 0 as 'no seed').
      const seed = ((this.seed * 1000003 + i * 7919) % 2147483646) + 1;
      this.addWeight(name, weightShape(base, this.shape), 'float32', initializer(base, this.shape.nLayer, seed), undefined, true);
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], s[1], this.shape.vocabSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const ids = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    return tf.tidy(() => forward(this.params(), this.shape, tf.cast(ids, 'int32')).logits);
  }

  /** The weights as the forward pass takes them (the layer's variables, not copies). */
  params(): GptParams {
    const byName = new Map(this.weights.map((w) => [w.originalName.replace(/^.*\//, ''), w.read()]));
    const get = <T extends tf.Tensor>(name: string) => byName.get(name) as T;
    return {
      wte: get('wte'),
      wpe: get('wpe'),
      blocks: Array.from({ length: this.shape.nLayer }, (_, l) => Object.fromEntries(BLOCK_WEIGHTS.map((w) => [w, get(`h${l}_${w}`)])) as unknown as BlockParams),
      lnfg: get('lnfg'),
      lnfb: get('lnfb'),
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.shape, seed: this.seed };
  }
}

let registered = false;

/** Makes tf.loadLayersModel know GptLayer (idempotent; createGpt calls it). */
export function registerGptLayer(): void {
  if (registered) return;
  tf.serialization.registerClass(GptLayer);
  registered = true;
}

/** A LayersModel of one GptLayer: input ids [n, block] (int32), output logits [n, block, vocab]. */
export function gptNetwork(shape: GptShape, seed: number): { network: tf.LayersModel; layer: GptLayer } {
  registerGptLayer();
  const layer = new GptLayer({ ...shape, seed });
  const input = tf.input({ shape: [shape.block], dtype: 'int32', name: 'ids' });
  const output = layer.apply(input) as tf.SymbolicTensor;
  return { network: tf.model({ inputs: input, outputs: output, name: 'gpt' }), layer };
}

/** LayerNorm over the last axis (eps 1e-5, PyTorch's default). */
function layerNorm(x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

/** x [..., in] @ w [in, out] + b. */
function linear(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const flat = tf.reshape(x, [-1, w.shape[0]]) as tf.Tensor2D;
  return tf.reshape(tf.add(tf.matMul(flat, w), b), [...lead, w.shape[1]]);
}

/** The exact GELU, 0.5 x (1 + erf(x / sqrt 2)) (PyTorch's nn.GELU default, which nanoGPT uses). */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** [n, t, c] -> [n, heads, t, c / heads]. */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [n, t, c] = x.shape;
  return tf.transpose(tf.reshape(x, [n, t, heads, c / heads]), [0, 2, 1, 3]);
}

/**
 * Causal self-attention of t new positions after `past` cached ones: query i (position past + i)
 * sees keys 0..past + i. Returns the block's output and its keys and values including the past.
 */
function attention(x: tf.Tensor, p: BlockParams, heads: number, past?: { k: tf.Tensor4D; v: tf.Tensor4D }): { y: tf.Tensor; k: tf.Tensor4D; v: tf.Tensor4D } {
  const [n, t, c] = x.shape;
  const [q, kNew, vNew] = tf.split(linear(x, p.attnW, p.attnB), 3, -1).map((part) => splitHeads(part, heads));
  const k = past ? tf.concat([past.k, kNew], 2) : kNew;
  const v = past ? tf.concat([past.v, vNew], 2) : vNew;
  const total = k.shape[2];
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c / heads));
  // Row i keeps keys j <= past + i: the band with any number of lower and (total - t) upper diagonals.
  const allowed = tf.linalg.bandPart(tf.ones([t, total]), -1, total - t);
  const masked = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9));
  const att = tf.matMul(tf.softmax(masked), v);
  const y = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [n, t, c]);
  return { y: linear(y, p.projW, p.projB), k, v };
}

/**
 * Logits [n, t, vocab] of ids [n, t] (int32) at positions `start`..start + t - 1, after the cached
 * positions 0..start - 1 when a cache is given. Also returns the updated cache (the caller owns it).
 */
export function forward(w: GptParams, s: GptShape, ids: tf.Tensor2D, cache?: KvCache): { logits: tf.Tensor3D; cache: KvCache } {
  const [n, t] = ids.shape;
  const start = cache ? cache.k[0].shape[2] : 0;
  if (start + t > s.block) throw new Error(`A context of ${start + t} characters is longer than the block of ${s.block}; expected at most ${s.block}.`);
  const pos = tf.slice(w.wpe, [start, 0], [t, s.nEmbd]);
  // A one-hot product rather than tf.gather: gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks.
  const tokens = tf.reshape(tf.matMul(tf.oneHot(tf.reshape(ids, [n * t]), s.vocabSize), w.wte), [n, t, s.nEmbd]);
  let h: tf.Tensor = tf.add(tokens, pos);
  const out: KvCache = { k: [], v: [] };
  w.blocks.forEach((p, l) => {
    const a = attention(layerNorm(h, p.ln1g, p.ln1b), p, s.nHead, cache ? { k: cache.k[l], v: cache.v[l] } : undefined);
    h = tf.add(h, a.y);
    out.k.push(a.k);
    out.v.push(a.v);
    h = tf.add(h, linear(gelu(linear(layerNorm(h, p.ln2g, p.ln2b), p.fcW, p.fcB)), p.fc2W, p.fc2B));
  });
  const f = tf.reshape(layerNorm(h, w.lnfg, w.lnfb), [n * t, s.nEmbd]) as tf.Tensor2D;
  // The output layer is the token embedding, transposed (weight tying).
  const logits = tf.reshape(tf.matMul(f, w.wte, false, true), [n, t, s.vocabSize]) as tf.Tensor3D;
  return { logits, cache: out };
}

/** Mean cross-entropy (nats) per window of ids [n, t + 1]: inputs the first t, targets the last t. Shape [n]. */
export function windowCrossEntropy(w: GptParams, s: GptShape, windows: tf.Tensor2D): tf.Tensor1D {
  const [n, width] = windows.shape;
  const t = width - 1;
  const inputs = tf.slice(windows, [0, 0], [n, t]);
  const targets = tf.slice(windows, [0, 1], [n, t]);
  const logp = tf.logSoftmax(forward(w, s, inputs).logits);
  const picked = tf.sum(tf.mul(logp, tf.reshape(tf.oneHot(tf.reshape(targets, [n * t]), s.vocabSize), [n, t, s.vocabSize])), -1);
  return tf.neg(tf.mean(picked, -1)) as tf.Tensor1D;
}
