/**
 * What an experiment's parent process and its worker processes (one scheme each) say to each other
 * over the IPC channel: the job, progress, records, the result or the error, and a stop request.
 */
import type { CollapseAnalysisOptions } from '../analysis.ts';
import type { OptionErrorData } from '../options.ts';
import { OptionError, optionErrorData, optionErrorFrom } from '../options.ts';
import type { Progress } from '../progress.ts';
import type { GenerationRecord } from '../record.ts';
import type { GenerationsOptions } from '../resolve.ts';

/**
 * How a worker process rebuilds what cannot be sent to it (the model factory, the data, an own
 * analyze hook): it imports `module` and calls its export `export` with `args`.
 */
export interface WorkerSetup {
  /** The module, as a file URL or an absolute path (e.g. import.meta.url of the caller's own module). */
  module: string;
  /** Name of the exported function. Defaults to 'setup'. */
  export?: string;
  /** JSON-serialisable arguments for it. Defaults to none. */
  args?: unknown;
}

/** What a WorkerSetup function returns. */
export type WorkerSetupResult = Pick<GenerationsOptions, 'model' | 'data' | 'analyze'>;

/** The options a worker receives: every trainGenerations option that is plain data. */
export type WorkerOptions = Omit<
  GenerationsOptions,
  'model' | 'data' | 'analyze' | 'signal' | 'log' | 'onBatch' | 'onEpochEnd' | 'onGenerationStart' | 'onGenerationEnd'
>;

/** What a worker builds its model and data from: a registered family and its settings, or the caller's setup module. */
export type WorkerBuild = { family: string; settings: Record<string, unknown> } | { setup: WorkerSetup };

/** The collapse analysis' options for a caller's own model (a family brings its own analysis). */
export type WorkerAnalysis = Omit<CollapseAnalysisOptions, 'model' | 'seed' | 'log' | 'classifier' | 'classifierData'>;

export type ToWorker =
  | { kind: 'job'; label: string; build: WorkerBuild; options: WorkerOptions; analysis?: WorkerAnalysis }
  | { kind: 'stop' };

export type FromWorker =
  | { kind: 'start'; label: string; generation: number; generations: number; trainSize: number; realFraction?: number }
  | { kind: 'batch'; label: string; ctx: Parameters<Progress['batch']>[1] }
  | { kind: 'epoch'; label: string; ctx: Parameters<Progress['epochEnd']>[1] }
  | { kind: 'log'; line: string }
  | { kind: 'record'; record: GenerationRecord }
  | { kind: 'done'; records: GenerationRecord[] }
  | { kind: 'error'; error: ErrorData };

export interface ErrorData {
  name: string;
  message: string;
  option?: OptionErrorData;
}

export function errorData(err: unknown): ErrorData {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, option: e instanceof OptionError ? optionErrorData(e) : undefined };
}

export function errorFrom(data: ErrorData): Error {
  if (data.option) return optionErrorFrom(data.option);
  return Object.assign(new Error(data.message), { name: data.name });
}

/** A Progress whose events go to the parent. */
export function progressTo(send: (m: FromWorker) => void): Progress {
  return {
    startGeneration: (label, generation, generations, trainSize, realFraction) => send({ kind: 'start', label, generation, generations, trainSize, realFraction }),
    batch: (label, ctx) => send({ kind: 'batch', label, ctx }),
    epochEnd: (label, ctx) => send({ kind: 'epoch', label, ctx }),
    log: (line) => send({ kind: 'log', line }),
    stop() {},
  };
}

/** Replays a worker's progress event on the parent's Progress. */
export function replay(progress: Progress, m: FromWorker): void {
  if (m.kind === 'start') progress.startGeneration(m.label, m.generation, m.generations, m.trainSize, m.realFraction);
  else if (m.kind === 'batch') progress.batch(m.label, m.ctx);
  else if (m.kind === 'epoch') progress.epochEnd(m.label, m.ctx);
  else if (m.kind === 'log') progress.log(m.line);
}
