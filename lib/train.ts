/**
 * Fits one model for N epochs on one dataset with our own loop (optimizer.minimize), shuffling
 * from our seeded Rng (model.fit's shuffle uses Math.random). The trainer knows nothing about the
 * model beyond the GenerativeModel interface.
 */
import * as tf from './tfjs.ts';
import { range } from '../data/images.ts';
import { toFloatBatch } from '../data/batch.ts';
import type { ImageSource } from '../data/images.ts';
import type { GenerativeModel, LossParts } from '../models/types.ts';
import { checkInteger, checkPositive, opt, OptionError, say } from './options.ts';
import { Stream } from './rng.ts';
import type { Rng } from './rng.ts';
import type { EpochSnapshot, EpochState, OptimizerState } from './epoch-state.ts';

/** What `onBatch` receives after each training step: where the step is within its epoch. */
export interface BatchContext {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Images seen so far in this epoch. */
  images: number;
  /** Optimiser steps of this fit so far, this one included (epochs before a resume counted). */
  step: number;
  /** The batch's mean loss per image (nats), read back only on the steps `lossEvery` asks for. */
  loss?: number;
}

/** What `onEpochEnd` receives at the end of each epoch: the epoch, its mean training loss and its seconds. */
export interface EpochContext {
  epoch: number;
  epochs: number;
  /** Mean loss per image over this epoch's batches (nats). */
  trainLoss: number;
  seconds: number;
}

/** Options of fit: the model, the data, epochs, batch size, learning rate, randomness and hooks; each says its default. */
export interface TrainOptions {
  model: GenerativeModel;
  data: ImageSource;
  /** Number of passes over `data`. */
  epochs: number;
  /** Images per optimiser step. */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /**
   * A fixed number of optimiser steps instead of passes over `data`: each step trains on batchSize
   * examples drawn uniformly with replacement from all of `data`, and `epochs` become checkpoints
   * that split the steps evenly. Defaults to none (epochs are passes over `data`).
   */
  steps?: number;
  /** This fit's randomness: shuffles come from rng.child(Stream.shuffle, epoch), noise from rng.child(Stream.noise, epoch). */
  rng: Rng;
  signal?: AbortSignal;
  /**
   * Continue an interrupted fit from the end of `resumeFrom.epoch` instead of from epoch 1: the
   * weights and Adam's state are restored and the later epochs draw exactly what they would have
   * drawn (their streams are named by the epoch). fit() takes ownership of its tensors. Defaults to none.
   */
  resumeFrom?: EpochState;
  /**
   * Persists the state at the end of every epoch, awaited before the next epoch starts. A checkpoint,
   * not a hook: lib/generations.ts passes one whenever there is a run directory. Defaults to none.
   */
  saveEpoch?: (state: EpochSnapshot) => Promise<void>;
  /** Read the batch loss back for onBatch every this many steps (one device read each); 0 never. Defaults to 0. */
  lossEvery?: number;
  /** Called after each training step. Defaults to none. */
  onBatch?: (ctx: BatchContext) => void;
  /** Called after each epoch (awaited). Defaults to none. */
  onEpochEnd?: (ctx: EpochContext) => void | Promise<void>;
}

export type { EpochSnapshot, EpochState, OptimizerState } from './epoch-state.ts';

/** What fit returns: the last epoch's training loss, each epoch's, and the images per second. */
export interface TrainResult {
  /** Mean loss per image over the last epoch. */
  trainLoss: number;
  epochLosses: number[];
  /** Training images per second over all epochs. */
  imagesPerSecond: number;
}

/** Raised when a loss is NaN or infinite; names where it happened, and the option that usually helps. */
export class NonFiniteLossError extends OptionError {
  constructor(
    readonly where: string,
    readonly loss: number,
    learningRate: number,
  ) {
    super('learningRate', learningRate, say`The ${where} loss is ${loss}; expected a finite number (try a lower ${opt('learningRate')}).`);
    this.name = 'NonFiniteLossError';
  }
}

export interface EpochLoopOptions {
  /** Items in the training set. */
  count: number;
  batchSize: number;
  epochs: number;
  /** The first epoch to run (later than 1 after a resume). Defaults to 1. */
  first?: number;
  /** The items of epoch e in order (a seeded permutation, or draws); called once at the start of each epoch. */
  order: (epoch: number) => Uint32Array;
  /** One optimiser step on the items at `idx`; returns the batch's mean loss, a scalar the loop disposes. */
  step: (idx: Uint32Array, epoch: number) => tf.Scalar;
  signal?: AbortSignal;
  /** Give onBatch the batch loss every this many steps. Defaults to 0 (never: no device read per step). */
  lossEvery?: number;
  /** Steps taken before epoch e (epochs of unequal length). Defaults to every epoch being as long as this one. */
  stepsBefore?: (epoch: number) => number;
  onBatch?: (ctx: BatchContext) => void;
  /** Called with each epoch's mean loss per item and its seconds; awaited before the next epoch. */
  endEpoch: (epoch: number, loss: number, seconds: number) => void | Promise<void>;
}

/**
 * The loop every trainer here shares (fit() and the metrics classifier): epoch by epoch, the batches
 * of a seeded order, one step each. The epoch's loss is summed on the device and read once, at the
 * end: a read per batch would force a device sync per step. After every batch the loop yields to the
 * event loop (setImmediate: a few microseconds), so a signal handler, a progress bar's repaint or an
 * abort from another task runs within one batch rather than at the epoch's end.
 */
export async function runEpochs(o: EpochLoopOptions): Promise<void> {
  for (let epoch = o.first ?? 1; epoch <= o.epochs; epoch++) {
    const epochStart = performance.now();
    const order = o.order(epoch);
    const count = order.length;
    const batches = Math.ceil(count / o.batchSize);
    let sum: tf.Scalar = tf.scalar(0);
    let loss: number;
    try {
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) throw abortError(o.signal);
        const idx = order.subarray(b * o.batchSize, Math.min(count, (b + 1) * o.batchSize));
        const batchLoss = o.step(idx, epoch);
        const step = (o.stepsBefore ? o.stepsBefore(epoch) : (epoch - 1) * batches) + b + 1;
        const read = o.lossEvery && step % o.lossEvery === 0 ? (await batchLoss.data())[0] : undefined;
        const next = tf.tidy(() => tf.add(sum, tf.mul(batchLoss, idx.length))) as tf.Scalar;
        sum.dispose();
        batchLoss.dispose();
        sum = next;
        const images = Math.min(count, (b + 1) * o.batchSize);
        o.onBatch?.({ epoch, epochs: o.epochs, batch: b + 1, batches, images, step, ...(read === undefined ? {} : { loss: read }) });
        await yieldToEventLoop();
      }
      loss = (await sum.data())[0] / count;
    } finally {
      sum.dispose();
    }
    await o.endEpoch(epoch, loss, (performance.now() - epochStart) / 1000);
  }
}

/** Trains `model` in place and returns its losses. */
export async function fit(options: TrainOptions): Promise<TrainResult> {
  const { model, data, epochs, batchSize, learningRate, rng, signal, steps } = options;
  try {
    checkInteger('epochs', epochs, 1);
    if (steps !== undefined) checkInteger('steps', steps, epochs);
    checkInteger('batchSize', batchSize, 1);
    checkPositive('learningRate', learningRate);
    if (data.count === 0) throw new Error('The training set is empty; expected at least one image.');
  } catch (err) {
    // fit() owns resumeFrom's tensors even when it refuses to start.
    if (options.resumeFrom) tf.dispose([...options.resumeFrom.weights, ...options.resumeFrom.optimizer.tensors.map((t) => t.tensor)]);
    throw err;
  }
  const optimizer = model.createOptimizer?.(learningRate) ?? tf.train.adam(learningRate);
  const epochLosses: number[] = [];
  let trainSeconds = 0;
  let first = 1;
  try {
    if (options.resumeFrom) {
      const r = options.resumeFrom;
      if (!(Number.isInteger(r.epoch) && r.epoch >= 1 && r.epoch <= epochs && r.epochLosses.length === r.epoch)) {
        throw new Error(`Cannot resume a fit of ${epochs} epochs after epoch ${r.epoch} with ${r.epochLosses.length} epoch losses; expected 1 to ${epochs} and one loss per epoch.`);
      }
      setNetworkWeights(model, r.weights);
      await restoreAdam(optimizer, r.optimizer);
      epochLosses.push(...r.epochLosses);
      trainSeconds = r.trainSeconds;
      first = r.epoch + 1;
    }
  } catch (err) {
    optimizer.dispose();
    throw err;
  } finally {
    if (options.resumeFrom) tf.dispose([...options.resumeFrom.weights, ...options.resumeFrom.optimizer.tensors.map((t) => t.tensor)]);
  }
  let noise: Rng = rng;
  // With `steps`, epoch e starts after floor(steps (e-1) / epochs) steps: counts differ by at most one.
  const stepsBefore = steps === undefined ? undefined : (epoch: number) => Math.floor((steps * (epoch - 1)) / epochs);
  try {
    await runEpochs({
      count: data.count,
      batchSize,
      epochs,
      first,
      signal,
      lossEvery: options.lossEvery,
      stepsBefore,
      onBatch: options.onBatch,
      order: (epoch) => {
        noise = rng.child(Stream.noise, epoch);
        if (!stepsBefore) return rng.child(Stream.shuffle, epoch).permutation(data.count);
        const share = stepsBefore(epoch + 1) - stepsBefore(epoch);
        return rng.child(Stream.shuffle, epoch).choose(data.count, share * batchSize, true);
      },
      step: (idx) => {
        const x = toBatch(model, data, idx);
        try {
          return model.trainStep(x, optimizer, noise.seed());
        } finally {
          x.dispose();
        }
      },
      endEpoch: async (epoch, trainLoss, seconds) => {
        if (!Number.isFinite(trainLoss)) throw new NonFiniteLossError(`training (epoch ${epoch})`, trainLoss, learningRate);
        epochLosses.push(trainLoss);
        trainSeconds += seconds;
        if (options.saveEpoch) {
          const adam = await captureAdam(optimizer);
          try {
            await options.saveEpoch({ epoch, epochLosses: [...epochLosses], trainSeconds, weights: model.network.getWeights(), optimizer: adam });
          } finally {
            // Only the iteration count is a fresh tensor; the moments are the optimizer's own variables.
            adam.tensors[0].tensor.dispose();
          }
        }
        await options.onEpochEnd?.({ epoch, epochs, trainLoss, seconds });
      },
    });
  } finally {
    optimizer.dispose();
  }
  return { trainLoss: epochLosses[epochLosses.length - 1], epochLosses, imagesPerSecond: trainSeconds > 0 ? (steps === undefined ? epochs * data.count : steps * batchSize) / trainSeconds : 0 };
}

/**
 * Adam's running powers beta1^t, beta2^t. tfjs's setWeights() recomputes them with pow(), which
 * differs in the last bits from the product the optimizer accumulates step by step; a resumed run
 * must continue from the exact float32 values, so we read and write the fields themselves (tfjs
 * 4.22.0 is pinned, and both names are checked).
 */
function adamPowers(optimizer: tf.Optimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } {
  const o = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  if (!(o.accBeta1 instanceof tf.Variable && o.accBeta2 instanceof tf.Variable)) {
    throw new Error('This tfjs Adam optimizer has no accBeta1/accBeta2 variables; expected the tfjs version pinned in package.json.');
  }
  return { accBeta1: o.accBeta1, accBeta2: o.accBeta2 };
}

/** Adam's state; tensors[0] (the iteration count) is a new tensor the caller disposes, the rest are the optimizer's variables. */
export async function captureAdam(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const tensors = await optimizer.getWeights();
  const { accBeta1, accBeta2 } = adamPowers(optimizer);
  return { tensors, accBeta1: (await accBeta1.data())[0], accBeta2: (await accBeta2.data())[0] };
}

/**
 * Puts a captured state into a fresh Adam optimizer. Its variables share the tensors' data (tfjs
 * counts references), so the caller still owns `state`'s tensors and may dispose them right after.
 */
export async function restoreAdam(optimizer: tf.Optimizer, state: OptimizerState): Promise<void> {
  const moments = state.tensors.length - 1;
  if (state.tensors[0]?.name !== 'iter' || moments % 2 !== 0) {
    throw new Error(`Optimizer state of ${state.tensors.length} tensors is not Adam's; expected 'iter' followed by first and second moments.`);
  }
  await optimizer.setWeights(state.tensors);
  const { accBeta1, accBeta2 } = adamPowers(optimizer);
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(state.accBeta1));
    accBeta2.assign(tf.scalar(state.accBeta2));
  });
}

function setNetworkWeights(model: GenerativeModel, weights: tf.Tensor[]): void {
  const ours = model.network.getWeights();
  if (weights.length !== ours.length || weights.some((w, i) => w.shape.join('x') !== ours[i].shape.join('x'))) {
    throw new Error(`Saved weights (${weights.length} tensors) do not fit this model (${ours.length}); expected the same layers and shapes.`);
  }
  model.network.setWeights(weights);
}

/** Mean loss parts per image over every image of `data`, `batchSize` at a time. */
export async function evaluate(model: GenerativeModel, data: ImageSource, batchSize: number, rng: Rng): Promise<LossParts> {
  if (data.count === 0) throw new Error('The evaluation set is empty; expected at least one image.');
  const all = range(data.count);
  let sums: tf.Tensor1D = tf.zeros([3]);
  try {
    for (let start = 0; start < data.count; start += batchSize) {
      const idx = all.subarray(start, Math.min(data.count, start + batchSize));
      const x = toBatch(model, data, idx);
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

/** Lets pending I/O callbacks (signals, timers, pipes) run before the next batch. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A model's batch of the examples at `indices`: its own toBatch, else pixels in [0, 1]. */
export function toBatch(model: GenerativeModel, data: ImageSource, indices: ArrayLike<number>): tf.Tensor {
  return model.toBatch ? model.toBatch(data, indices) : toFloatBatch(data, indices, model.flatInput);
}

export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error(typeof reason === 'string' ? reason : 'The run was aborted.');
  err.name = 'AbortError';
  return err;
}
