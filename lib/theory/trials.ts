/**
 * Runs independent Monte Carlo trials on worker threads. Each trial draws only from streams named
 * by (seed, trial index), and every trial's record lands at its own offset of one Float64Array, so
 * the result is bit-for-bit the same whatever the number of workers (including none).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProgressCallback } from './common.ts';
import { optionError } from './fields.ts';
import { isTypeScript, siblingModule } from '../own-module.ts';

/** Simulates trials [start, end) and returns their records, `stride` numbers per trial. */
export type TrialRange<O> = (options: O, start: number, end: number, progress?: (done: number) => void) => Float64Array;

export interface TrialTask<O> {
  /** Which simulator; a worker looks its range function up by this name (see simulators.ts). */
  experiment: string;
  /** Plain, structured-cloneable options handed to the range function. */
  options: O;
  trials: number;
  stride: number;
  /** The same function the worker will call, used directly when running in this thread. */
  run: TrialRange<O>;
}

export interface TrialPoolOptions {
  /** 1 runs in this thread. Defaults to the number of cores, at most one per 64 trials. */
  workers?: number;
  onProgress?: ProgressCallback;
}

/** Message from worker.ts. */
export type WorkerMessage =
  { type: 'progress'; done: number } | { type: 'done'; records: Float64Array } | { type: 'error'; message: string };

/** Message to worker.ts. */
export interface WorkerJob {
  experiment: string;
  options: unknown;
  start: number;
  end: number;
}

/** How many workers to use when the caller does not say. */
export function defaultWorkers(trials: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(trials / 64)));
}

/**
 * A worker thread on worker.ts. Compiled (dist/), it is plain JavaScript and starts directly. From
 * the TypeScript sources, `--import tsx` in execArgv does not reach a worker's entry module on
 * Node 20, so a small JavaScript bootstrap registers tsx's loader in the worker first, then imports
 * worker.ts. Both are absolute URLs, so nothing depends on the working directory.
 */
function startWorker(): Worker {
  const entry = siblingModule(import.meta.url, 'worker');
  if (!isTypeScript(entry)) return new Worker(entry);
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(
    `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
    { eval: true },
  );
}

export async function runTrials<O>(task: TrialTask<O>, pool: TrialPoolOptions = {}): Promise<Float64Array> {
  const { trials, stride } = task;
  const workers = Math.min(pool.workers ?? defaultWorkers(trials), trials);
  if (!Number.isInteger(workers) || workers < 1) {
    throw optionError('workers', 'must be a positive integer', pool.workers);
  }
  const report = pool.onProgress;
  if (workers === 1) {
    const out = task.run(task.options, 0, trials, report && ((done) => report(done, trials)));
    report?.(trials, trials);
    return out;
  }
  const out = new Float64Array(trials * stride);
  const done = new Array<number>(workers).fill(0);
  const threads: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        // Contiguous, near-equal ranges: worker w runs trials [start, end).
        const start = Math.floor((w * trials) / workers);
        const end = Math.floor(((w + 1) * trials) / workers);
        const worker = startWorker();
        threads.push(worker);
        return new Promise<void>((resolve, reject) => {
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'progress') {
              done[w] = m.done;
              report?.(
                done.reduce((a, b) => a + b, 0),
                trials,
              );
            } else if (m.type === 'done') {
              out.set(m.records, start * stride);
              done[w] = end - start;
              resolve();
            } else {
              reject(new Error(m.message));
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`A ${task.experiment} trial worker exited with code ${code}.`));
          });
          const job: WorkerJob = { experiment: task.experiment, options: task.options, start, end };
          worker.postMessage(job);
        });
      }),
    );
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
  report?.(trials, trials);
  return out;
}
