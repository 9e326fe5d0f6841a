/**
 * Dense building blocks. Layers are created with tf.layers (so the network saves in the layers
 * format), but the training forward pass calls tf.fused.matMul on their variables directly: one
 * kernel per layer (product + bias + activation) instead of the layer machinery's several.
 */
import * as tf from '../lib/tfjs.ts';
import type { ImageShape } from '../data/images.ts';
import { createRng } from '../lib/rng.ts';

/** The options the dense VAE and autoencoder share. */
export interface DenseModelOptions {
  /** Image height, width, channels. Defaults to [28, 28, 1] (MNIST). */
  imageShape?: ImageShape;
  /** Hidden layer sizes of the encoder (the decoder mirrors them). Defaults to [400]. */
  hidden?: number[];
  /** Latent (code) dimension. Defaults to 20. */
  latentDim?: number;
  /** Seed of the weight initialisation. Defaults to 0. */
  seed?: number;
}

export interface DenseSpec {
  units: number;
  activation: 'relu' | 'linear';
  name: string;
}

/** A dense layer with Glorot-uniform weights seeded from (seed, index), zero bias. */
export function denseUnit(spec: DenseSpec, seed: number, index: number): DenseUnit {
  const layer = tf.layers.dense({
    units: spec.units,
    activation: spec.activation,
    name: spec.name,
    kernelInitializer: tf.initializers.glorotUniform({ seed: createRng(seed, index).seed() }),
    biasInitializer: 'zeros',
  });
  return { layer, activation: spec.activation };
}

/** The variables (kernel, bias) of a built dense layer. */
export function denseVariables(layer: tf.layers.Layer): { kernel: tf.Variable; bias: tf.Variable } {
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  if (!kernel || !bias) throw new Error(`Layer '${layer.name}' is not built yet; apply it to an input first.`);
  return { kernel, bias };
}

/** A built dense layer with its activation, ready for the fused path. */
export interface DenseUnit {
  layer: tf.layers.Layer;
  activation: 'relu' | 'linear';
}

/** x -> activation(x W + b) in one fused kernel. */
export function applyDense(unit: DenseUnit, x: tf.Tensor2D): tf.Tensor2D {
  const { kernel, bias } = denseVariables(unit.layer);
  return tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias, activation: unit.activation }) as tf.Tensor2D;
}

/** Applies units in order with the fused path. */
export function applyStack(units: readonly DenseUnit[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (const unit of units) h = applyDense(unit, h);
  return h;
}

/** Symbolic application, used once to build the layers and the saveable network. */
export function applyStackSymbolic(units: readonly DenseUnit[], x: tf.SymbolicTensor): tf.SymbolicTensor {
  let h = x;
  for (const unit of units) h = unit.layer.apply(h) as tf.SymbolicTensor;
  return h;
}

/** Hidden layers `${prefix}_0`, `${prefix}_1`, ... of the given sizes (relu), seeded from (seed, firstIndex + i). */
export function hiddenUnits(prefix: string, sizes: readonly number[], seed: number, firstIndex: number): DenseUnit[] {
  return sizes.map((units, i) => denseUnit({ units, activation: 'relu', name: `${prefix}_${i}` }, seed, firstIndex + i));
}

/** A dense decoder mirroring the encoder's hidden sizes, then one logit per pixel; seeded from (seed, firstIndex + i). */
export function denseDecoder(hidden: readonly number[], pixels: number, seed: number, firstIndex: number): DenseUnit[] {
  return [...hiddenUnits('dec', [...hidden].reverse(), seed, firstIndex), denseUnit({ units: pixels, activation: 'linear', name: 'logits' }, seed, firstIndex + hidden.length)];
}

export function trainableVariables(units: readonly DenseUnit[]): tf.Variable[] {
  return units.flatMap((u) => {
    const { kernel, bias } = denseVariables(u.layer);
    return [kernel, bias];
  });
}
