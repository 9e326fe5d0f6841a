/**
 * Throughput measurements of the library's own code paths (fit, evaluate, sample), used by
 * scripts/bench.ts. Numbers are wall-clock and depend on the machine: they belong in benchmarks,
 * never in test assertions.
 */
import * as tf from './tfjs.ts';
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
  if (data.count < (warmup + steps) * batchSize)
    throw new Error(`The bench needs ${(warmup + steps) * batchSize} training images; got ${data.count}.`);
  let timedFrom = 0;
  const result = await fit({
    model: options.model,
    data,
    epochs: 1,
    batchSize,
    learningRate: 1e-3,
    rng: createRng(0),
    onBatch: (c) => {
      if (c.batch === warmup) timedFrom = performance.now();
    },
  });
  // The clock stops after fit() has read the epoch's loss back: on an asynchronous backend (a GPU)
  // that read waits for every queued step, so queued but unfinished work is not counted as done.
  const seconds = (performance.now() - timedFrom) / 1000;
  return { imagesPerSecond: (steps * batchSize) / seconds, loss: result.trainLoss };
}

/** One kernel of a profiled training step: its calls and time per step. */
export interface KernelProfileRow {
  /** The tfjs kernel name, or 'outside kernels' for the rest of a step (engine, gradient tape, JavaScript). */
  kernel: string;
  /** Calls per training step. */
  calls: number;
  /** Milliseconds per training step. */
  ms: number;
  /** Fraction of the profiled step's wall-clock time. */
  share: number;
}

/** A training step taken apart kernel by kernel (profileTraining). */
export interface TrainingProfile {
  /** Wall-clock milliseconds per step while profiling (the profiler adds a little per kernel call). */
  stepMs: number;
  /** Kernel calls per step. */
  callsPerStep: number;
  /** One row per kernel, slowest first, then the time outside kernels. */
  rows: KernelProfileRow[];
}

/**
 * Where a training step's time goes, kernel by kernel: `warmupSteps` unprofiled steps, then
 * `steps` steps under tf.profile through the library's own fit(). Kernels that only wrap others
 * (a custom gradient's forward function) are left out, so that no time is counted twice.
 */
export async function profileTraining(options: TrainingBenchOptions): Promise<TrainingProfile> {
  const batchSize = options.batchSize ?? 128;
  const warmup = options.warmupSteps ?? 20;
  const steps = options.steps ?? 200;
  const data = takeFirst(options.train, Math.max(warmup, steps) * batchSize);
  const epoch = (n: number) =>
    fit({
      model: options.model,
      data: takeFirst(data, n * batchSize),
      epochs: 1,
      batchSize,
      learningRate: 1e-3,
      rng: createRng(0),
    });
  await epoch(warmup);
  const backend = tf.getBackend();
  const t = performance.now();
  const profile = await tf.profile(() => epoch(steps).then(() => []));
  const stepMs = (performance.now() - t) / steps;
  const byKernel = new Map<string, { calls: number; ms: number }>();
  let calls = 0;
  for (const k of profile.kernels) {
    if (!tf.getKernel(k.name, backend)) continue;
    const row = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
    row.calls++;
    row.ms += k.kernelTimeMs as number;
    byKernel.set(k.name, row);
    calls++;
  }
  const rows = [...byKernel]
    .map(([kernel, r]) => ({ kernel, calls: r.calls / steps, ms: r.ms / steps, share: r.ms / steps / stepMs }))
    .sort((a, b) => b.ms - a.ms);
  const inKernels = rows.reduce((sum, r) => sum + r.ms, 0);
  rows.push({ kernel: 'outside kernels', calls: 0, ms: stepMs - inKernels, share: (stepMs - inKernels) / stepMs });
  return { stepMs, callsPerStep: calls / steps, rows };
}

/** Calls per step as the table shows them: whole numbers, or two decimals for a kernel not run every step. */
function callsText(calls: number): string {
  if (calls === 0) return '';
  return Number.isInteger(calls) ? String(calls) : calls < 1 ? calls.toFixed(2) : calls.toFixed(1);
}

/**
 * The profile as a text table: kernel, calls per step, ms per step, share; kernels under `minShare` folded into
 * one row.
 */
export function formatProfile(p: TrainingProfile, minShare = 0.01): string {
  const shown = p.rows.filter((r) => r.share >= minShare || r.kernel === 'outside kernels');
  const rest = p.rows.filter((r) => !shown.includes(r));
  if (rest.length) {
    const ms = rest.reduce((s, r) => s + r.ms, 0);
    shown.splice(shown.length - 1, 0, {
      kernel: `${rest.length} other kernels`,
      calls: rest.reduce((s, r) => s + r.calls, 0),
      ms,
      share: ms / p.stepMs,
    });
  }
  const line = (k: string, c: string, ms: string, share: string) =>
    `${k.padEnd(24)} ${c.padStart(8)} ${ms.padStart(10)} ${share.padStart(7)}`;
  return [
    line('kernel', 'calls', 'ms/step', 'share'),
    ...shown.map((r) => line(r.kernel, callsText(r.calls), r.ms.toFixed(2), `${(100 * r.share).toFixed(1)}%`)),
    line('step', p.callsPerStep.toFixed(0), p.stepMs.toFixed(2), '100%'),
  ].join('\n');
}

/** Trains, samples and evaluates one model on MNIST and reports images per second and seconds (npm run bench). */
export async function benchModel(options: BenchOptions): Promise<ModelBench> {
  const evalBatch = options.evalBatchSize ?? 1000;
  const model = options.model({ seed: 1 });
  try {
    const { imagesPerSecond } = await benchTraining({
      model,
      train: options.train,
      batchSize: options.batchSize,
      warmupSteps: options.warmupSteps,
      steps: options.steps,
    });

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
