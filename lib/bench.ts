/**
 * Throughput measurements of the library's own code paths (fit, evaluate, sample), used by
 * scripts/bench.ts. Numbers are wall-clock and depend on the machine: they belong in benchmarks,
 * never in test assertions.
 */
import { takeFirst } from '../data/images.ts';
import type { ImageSource } from '../data/images.ts';
import type { GenerativeModel, ModelFactory } from '../models/types.ts';
import { createRng } from './rng.ts';
import { evaluate, fit } from './train.ts';

/** One model's speed from benchModel: training images/s, sampling and evaluation time. */
export interface ModelBench {
  /** Steady-state training images per second (after `warmupSteps`). */
  imagesPerSecond: number;
  /** Seconds to sample `sampleCount` synthetic images. */
  sampleSeconds: number;
  /** Seconds to evaluate the test set. */
  evalSeconds: number;
}

/** Options of benchModel: the model, the data, the batch size and how many steps to time. */
export interface BenchOptions {
  model: ModelFactory;
  train: ImageSource;
  test: ImageSource;
  /** Images per step. Defaults to 128. */
  batchSize?: number;
  /** Steps before timing starts (kernel set-up, caches). Defaults to 20. */
  warmupSteps?: number;
  /** Timed steps. Defaults to 200. */
  steps?: number;
  /** Images to sample. Defaults to 60000 (one MNIST generation). */
  sampleCount?: number;
  /** Batch size of evaluation and sampling. Defaults to 1000. */
  evalBatchSize?: number;
}

/** Options of benchTraining: the model, the data, the batch size and the steps. */
export interface TrainingBenchOptions {
  model: GenerativeModel;
  train: ImageSource;
  /** Images per step. Defaults to 128. */
  batchSize?: number;
  /** Steps before timing starts (kernel set-up, caches). Defaults to 20. */
  warmupSteps?: number;
  /** Timed steps. Defaults to 200. */
  steps?: number;
}

/** What benchTraining measured: training images per second and the loss reached. */
export interface TrainingBench {
  /** Steady-state training images per second (after the warm-up steps). */
  imagesPerSecond: number;
  /** Mean loss per image over all warmupSteps + steps steps (one epoch of fit()). */
  loss: number;
}

/** One epoch of exactly warmupSteps + steps batches through the library's own fit(), timed after the warm-up. */
export async function benchTraining(options: TrainingBenchOptions): Promise<TrainingBench> {
  const batchSize = options.batchSize ?? 128;
  const warmup = options.warmupSteps ?? 20;
  const steps = options.steps ?? 200;
  const data = takeFirst(options.train, (warmup + steps) * batchSize);
  if (data.count < (warmup + steps) * batchSize) throw new Error(`The bench needs ${(warmup + steps) * batchSize} training images; got ${data.count}.`);
  let timedFrom = 0;
  const result = await fit({
    model: options.model, data, epochs: 1, batchSize, learningRate: 1e-3, rng: createRng(0),
    onBatch: (c) => {
      if (c.batch === warmup) timedFrom = performance.now();
    },
  });
  // The clock stops after fit() has read the epoch's loss back: on an asynchronous backend (a GPU)
  // that read waits for every queued step, so queued but unfinished work is not counted as done.
  const seconds = (performance.now() - timedFrom) / 1000;
  return { imagesPerSecond: (steps * batchSize) / seconds, loss: result.trainLoss };
}

export async function benchModel(options: BenchOptions): Promise<ModelBench> {
  const evalBatch = options.evalBatchSize ?? 1000;
  const model = options.model({ seed: 1 });
  try {
    const { imagesPerSecond } = await benchTraining({ model, train: options.train, batchSize: options.batchSize, warmupSteps: options.warmupSteps, steps: options.steps });

    let t = performance.now();
    await evaluate(model, options.test, evalBatch, createRng(1));
    const evalSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    await model.prepareSampling(takeFirst(options.train, Math.min(options.train.count, 10000)), evalBatch);
    await model.sample(options.sampleCount ?? 60000, createRng(2), options.train, evalBatch);
    const sampleSeconds = (performance.now() - t) / 1000;
    return { imagesPerSecond, sampleSeconds, evalSeconds };
  } finally {
    model.dispose();
  }
}

/** Peak resident memory of this process so far, MB. */
export function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
