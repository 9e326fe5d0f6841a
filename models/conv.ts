/**
 * Convolutional building blocks shared by the conv VAE and AE: a strided-conv encoder that halves
 * the image per layer, and a decoder that mirrors it with transposed convolutions. As in dense.ts,
 * layers are created with tf.layers (so the network saves in the layers format) and the training
 * forward pass calls the ops on their variables directly: tf.fused.conv2d does conv + bias + relu in
 * one kernel.
 */
import * as tf from '../lib/tfjs.ts';
import type { ImageShape } from '../data/images.ts';
import { createRng } from '../lib/rng.ts';
import { applyDense, denseUnit, trainableVariables } from './dense.ts';
import type { DenseUnit } from './dense.ts';

/** The architecture of a conv encoder/decoder pair. */
export interface ConvArch {
  imageShape: ImageShape;
  /** Output channels of the encoder's stride-2 conv layers, in order; the decoder mirrors them. */
  channels: number[];
  /** Square kernel size of every conv and transposed conv. */
  kernelSize: number;
  latentDim: number;
}

export interface ConvUnit {
  layer: tf.layers.Layer;
  transpose: boolean;
  filters: number;
  stride: number;
  activation: 'relu' | 'linear';
}

/** The feature map size after the encoder: every stride-2 layer halves height and width. */
export function checkConvArch(owner: string, arch: ConvArch): { h0: number; w0: number } {
  const { imageShape, channels, kernelSize, latentDim } = arch;
  if (!Array.isArray(channels) || channels.length === 0 || !channels.every((c) => Number.isInteger(c) && c > 0)) {
    throw new Error(`${owner}: channels [${String(channels)}] must be one or more positive integers.`);
  }
  if (!(Number.isInteger(kernelSize) && kernelSize > 0)) throw new Error(`${owner}: kernelSize ${kernelSize} must be a positive integer.`);
  if (!(Number.isInteger(latentDim) && latentDim > 0)) throw new Error(`${owner}: latentDim ${latentDim} must be a positive integer.`);
  const [h, w, c] = imageShape;
  if (![h, w, c].every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`${owner}: image shape [${imageShape.join(', ')}] must be three positive integers (height, width, channels).`);
  }
  const factor = 2 ** channels.length;
  if (h % factor !== 0 || w % factor !== 0) {
    throw new Error(`${owner}: a ${h}x${w} image cannot pass ${channels.length} stride-2 layers and back; expected height and width divisible by ${factor}.`);
  }
  return { h0: h / factor, w0: w / factor };
}

/** A conv (or transposed conv) layer with Glorot-uniform weights seeded from (seed, index), zero bias. */
export function convUnit(spec: { filters: number; kernelSize: number; activation: 'relu' | 'linear'; transpose: boolean; name: string }, seed: number, index: number): ConvUnit {
  const options = {
    filters: spec.filters,
    kernelSize: spec.kernelSize,
    strides: 2,
    padding: 'same' as const,
    activation: spec.activation,
    name: spec.name,
    kernelInitializer: tf.initializers.glorotUniform({ seed: createRng(seed, index).seed() }),
    biasInitializer: 'zeros' as const,
  };
  const layer = spec.transpose ? tf.layers.conv2dTranspose(options) : tf.layers.conv2d(options);
  return { layer, transpose: spec.transpose, filters: spec.filters, stride: 2, activation: spec.activation };
}

function convVariables(layer: tf.layers.Layer): { kernel: tf.Tensor4D; bias: tf.Tensor1D } {
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
  if (!kernel || !bias) throw new Error(`Layer '${layer.name}' is not built yet; apply it to an input first.`);
  return { kernel: kernel as tf.Tensor4D, bias: bias as tf.Tensor1D };
}

/** x -> activation(conv(x) + b); the transposed conv doubles height and width. */
export function applyConv(unit: ConvUnit, x: tf.Tensor4D): tf.Tensor4D {
  const { kernel, bias } = convVariables(unit.layer);
  if (!unit.transpose) {
    return tf.fused.conv2d({ x, filter: kernel, strides: unit.stride, pad: 'same', bias, activation: unit.activation });
  }
  const [n, h, w] = x.shape;
  const y = tf.add(tf.conv2dTranspose(x, kernel, [n, h * unit.stride, w * unit.stride, unit.filters], unit.stride, 'same'), bias) as tf.Tensor4D;
  return unit.activation === 'relu' ? tf.relu(y) : y;
}

/** Encoder convs, one per entry of `channels`, seeded from (seed, firstIndex + i). */
export function convEncoder(owner: string, arch: ConvArch, seed: number, firstIndex: number): ConvUnit[] {
  checkConvArch(owner, arch);
  return arch.channels.map((filters, i) =>
    convUnit({ filters, kernelSize: arch.kernelSize, activation: 'relu', transpose: false, name: `enc_conv_${i}` }, seed, firstIndex + i),
  );
}

/** A decoder: a dense layer to the smallest feature map, then transposed convs back to the image. */
export interface ConvDecoder {
  input: DenseUnit;
  units: ConvUnit[];
  /** Shape of the smallest feature map. */
  h0: number;
  w0: number;
  top: number;
}

/** The decoder mirroring `arch`'s encoder; its layers are seeded from (seed, firstIndex + i). */
export function convDecoder(owner: string, arch: ConvArch, seed: number, firstIndex: number): ConvDecoder {
  const { h0, w0 } = checkConvArch(owner, arch);
  const { channels, kernelSize, imageShape } = arch;
  const top = channels[channels.length - 1];
  let index = firstIndex;
  const input = denseUnit({ units: h0 * w0 * top, activation: 'relu', name: 'dec_dense' }, seed, index++);
  const widths = [...channels].reverse().slice(1);
  const units = [
    ...widths.map((filters, i) => convUnit({ filters, kernelSize, activation: 'relu', transpose: true, name: `dec_deconv_${i}` }, seed, index++)),
    convUnit({ filters: imageShape[2], kernelSize, activation: 'linear', transpose: true, name: 'logits' }, seed, index++),
  ];
  return { input, units, h0, w0, top };
}

/** Image batch -> flattened encoder features, [n, h0*w0*top]. */
export function applyEncoder(units: readonly ConvUnit[], x: tf.Tensor4D): tf.Tensor2D {
  let h = x;
  for (const u of units) h = applyConv(u, h);
  return tf.reshape(h, [h.shape[0], -1]);
}

/** Latent codes -> decoder logits, [n, h, w, c]. */
export function applyDecoder(dec: ConvDecoder, z: tf.Tensor2D): tf.Tensor4D {
  let h = tf.reshape(applyDense(dec.input, z), [z.shape[0], dec.h0, dec.w0, dec.top]) as tf.Tensor4D;
  for (const u of dec.units) h = applyConv(u, h);
  return h;
}

/** Symbolic encoder: image input -> flattened features. */
export function encoderSymbolic(units: readonly ConvUnit[], x: tf.SymbolicTensor): tf.SymbolicTensor {
  let h = x;
  for (const u of units) h = u.layer.apply(h) as tf.SymbolicTensor;
  return tf.layers.flatten({ name: 'enc_flatten' }).apply(h) as tf.SymbolicTensor;
}

/** Symbolic decoder: latent -> logits image. */
export function decoderSymbolic(dec: ConvDecoder, z: tf.SymbolicTensor): tf.SymbolicTensor {
  let h = dec.input.layer.apply(z) as tf.SymbolicTensor;
  h = tf.layers.reshape({ targetShape: [dec.h0, dec.w0, dec.top], name: 'dec_reshape' }).apply(h) as tf.SymbolicTensor;
  for (const u of dec.units) h = u.layer.apply(h) as tf.SymbolicTensor;
  return h;
}

/** Trainable variables (kernel, bias per layer) of conv units. */
export function convVariablesOf(units: readonly ConvUnit[]): tf.Variable[] {
  return units.flatMap((u) => {
    convVariables(u.layer); // throws a clear error when the layer is not built
    return u.layer.trainableWeights.map((w) => w.read() as tf.Variable);
  });
}

/** Every trainable variable of a decoder. */
export function decoderVariables(dec: ConvDecoder): tf.Variable[] {
  return [...trainableVariables([dec.input]), ...convVariablesOf(dec.units)];
}
