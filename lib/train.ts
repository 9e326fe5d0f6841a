/**
 * Fits one model for N epochs on one dataset with our own loop (optimizer.minimize), shuffling
 * from our seeded Rng (model.fit's shuffle uses Math.random). The trainer knows nothing about the
 * model beyond the GenerativeModel interface.
 */
import * as tf from '@tensorflow/tfjs';
import { range, toFloatBatch } from '../data/images.ts';
import type { ImageSource } from '../data/images.ts';
import type { GenerativeModel, LossParts } from '../models/types.ts';
import { Stream } from './rng.ts';
import type { Rng } from './rng.ts';

export interface BatchContext {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Images seen so far in this epoch. */
  images: number;
}

export interface EpochContext {
  epoch: number;
  epochs: number;
  /** Mean loss per image over this epoch's batches (nats). */
  trainLoss: number;
  seconds: number;
}

export interface TrainOptions {
  model: GenerativeModel;
  data: ImageSource;
  /** Number of passes over `data`. */
  epochs: number;
  /** Images per optimiser step. */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** This fit's randomness: shuffles come from rng.child(Stream.shuffle, epoch), noise from rng.child(Stream.noise, epoch). */
  rng: Rng;
  signal?: AbortSignal;
  onBatch?: (ctx: BatchContext) => void;
  onEpochEnd?: (ctx: EpochContext) => void | Promise<void>;
}

export interface TrainResult {
  /** Mean loss per image over the last epoch. */
  trainLoss: number;
  epochLosses: number[];
  /** Training images per second over all epochs. */
  imagesPerSecond: number;
}

/** Raised when a loss is NaN or infinite; names where it happened. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly where: string,
    readonly value: number,
  ) {
    super(`The ${where} loss is ${value}; expected a finite number (try a lower --lr).`);
    this.name = 'NonFiniteLossError';
  }
}

/** Trains `model` in place and returns its losses. */
export async function fit(options: TrainOptions): Promise<TrainResult> {
  const { model, data, epochs, batchSize, learningRate, rng, signal } = options;
  checkPositiveInt('epochs', epochs);
  checkPositiveInt('batchSize', batchSize);
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new Error(`Learning rate ${learningRate} must be a positive number.`);
  if (data.count === 0) throw new Error('The training set is empty; expected at least one image.');
  const optimizer = tf.train.adam(learningRate);
  const batches = Math.ceil(data.count / batchSize);
  const epochLosses: number[] = [];
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const order = rng.child(Stream.shuffle, epoch).permutation(data.count);
      const noise = rng.child(Stream.noise, epoch);
      // The epoch's loss is summed on the device and read once, at the end: a read per batch
      // would force a device sync per step.
      let sum: tf.Scalar = tf.scalar(0);
      let trainLoss: number;
      try {
        for (let b = 0; b < batches; b++) {
          if (signal?.aborted) throw abortError(signal);
          const idx = order.subarray(b * batchSize, Math.min(data.count, (b + 1) * batchSize));
          const x = toFloatBatch(data, idx, model.flatInput);
          const loss = model.trainStep(x, optimizer, noise.seed());
          const next = tf.tidy(() => tf.add(sum, tf.mul(loss, idx.length))) as tf.Scalar;
          sum.dispose();
          loss.dispose();
          x.dispose();
          sum = next;
          options.onBatch?.({ epoch, epochs, batch: b + 1, batches, images: Math.min(data.count, (b + 1) * batchSize) });
        }
        trainLoss = (await sum.data())[0] / data.count;
      } finally {
        sum.dispose();
      }
      if (!Number.isFinite(trainLoss)) throw new NonFiniteLossError(`training (epoch ${epoch})`, trainLoss);
      epochLosses.push(trainLoss);
      await options.onEpochEnd?.({ epoch, epochs, trainLoss, seconds: (performance.now() - epochStart) / 1000 });
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return { trainLoss: epochLosses[epochLosses.length - 1], epochLosses, imagesPerSecond: (epochs * data.count) / seconds };
}

/** Mean loss parts per image over every image of `data`, `batchSize` at a time. */
export async function evaluate(model: GenerativeModel, data: ImageSource, batchSize: number, rng: Rng): Promise<LossParts> {
  if (data.count === 0) throw new Error('The evaluation set is empty; expected at least one image.');
  const all = range(data.count);
  let sums: tf.Tensor1D = tf.zeros([3]);
  try {
    for (let start = 0; start < data.count; start += batchSize) {
      const idx = all.subarray(start, Math.min(data.count, start + batchSize));
      const x = toFloatBatch(data, idx, model.flatInput);
      const part = model.lossSums(x, rng.seed());
      const next = tf.add(sums, part) as tf.Tensor1D;
      sums.dispose();
      part.dispose();
      x.dispose();
      sums = next;
    }
    const [total, recon, kl] = Array.from(await sums.data(), (v) => v / data.count);
    return { total, recon, kl };
  } finally {
    sums.dispose();
  }
}

function checkPositiveInt(name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name} ${v} must be a positive integer.`);
}

export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'The run was aborted.');
  err.name = 'AbortError';
  return err;
}
