/**
 * What one run records beside its generations: the training loss every `logEvery` steps into
 * steps.jsonl (when there is a run directory) and, when asked, TensorBoard event files with the step
 * losses, each epoch's and generation's losses, every numeric field of the records (the analysis'
 * metrics among them), the generation's grids as images and the configuration as text.
 */
import { TIMING_FIELDS } from '../record.ts';
import type { GenerationRecord } from '../record.ts';
import type { RunInfo } from '../run/info.ts';
import { appendSteps, cutSteps } from '../run/steps.ts';
import type { StepRecord } from '../run/steps.ts';
import type { BatchContext } from '../train.ts';
import { createTensorBoardWriter } from './tensorboard.ts';
import type { TensorBoardWriter } from './tensorboard.ts';

export interface RunTrackerOptions {
  /** The run directory (steps.jsonl goes there). Defaults to none. */
  runDir?: string;
  /** TensorBoard folder of this run. Defaults to none (no event files). */
  tensorboard?: string;
  /** Optimiser steps between logged losses; 0 logs none. */
  logEvery: number;
  /** The run continues an earlier one: keep its event files and steps. */
  resume: boolean;
  /** Written as text to TensorBoard. */
  runInfo: RunInfo;
}

/** Where a generation's training starts: for step numbers and seconds that continue across generations and resumes. */
export interface GenerationStart {
  generation: number;
  /** Optimiser steps of the generations before it. */
  stepsBefore: number;
  /** Epochs already done (from a checkpoint) and their training seconds. */
  epochsDone: number;
  secondsDone: number;
}

export interface RunTracker {
  readonly logEvery: number;
  startGeneration(start: GenerationStart): Promise<void>;
  /** A batch of the generation in progress; logged when it carries its loss. */
  batch(ctx: BatchContext): void;
  /** Writes the steps logged so far (before an epoch checkpoint is saved). */
  flushSteps(): Promise<void>;
  endEpoch(epoch: number, loss: number): Promise<void>;
  /** The finished record and the generation's pictures (PNG by name, e.g. samples.png). */
  endGeneration(record: GenerationRecord, images: Readonly<Record<string, Uint8Array>>): Promise<void>;
}

/** Record fields that are not measurements to plot. */
const NOT_PLOTTED = new Set(['generation', 'epochLosses', 'numTensors']);

/** The run's tracker, or none when there is neither a run directory nor a TensorBoard folder. */
export async function createRunTracker(o: RunTrackerOptions): Promise<RunTracker | undefined> {
  if (!o.runDir && !o.tensorboard) return undefined;
  const tb = o.tensorboard ? await createTensorBoardWriter(o.tensorboard, { replace: !o.resume }) : undefined;
  if (tb) {
    tb.text('config', 0, configText(o.runInfo));
    await tb.flush();
  }
  let current: GenerationStart = { generation: 0, stepsBefore: 0, epochsDone: 0, secondsDone: 0 };
  let began = performance.now();
  let pending: StepRecord[] = [];
  let lastStep = 0;
  const flushSteps = async () => {
    const steps = pending;
    pending = [];
    if (o.runDir) await appendSteps(o.runDir, steps);
    for (const s of steps) tb?.scalars(s.step, { 'train/step_loss': s.loss });
  };
  return {
    logEvery: o.logEvery,
    async startGeneration(start) {
      current = start;
      began = performance.now();
      lastStep = start.stepsBefore;
      if (o.runDir && o.resume) await cutSteps(o.runDir, start.generation, start.epochsDone);
    },
    batch(ctx) {
      lastStep = current.stepsBefore + ctx.step;
      if (ctx.loss === undefined) return;
      const seconds = current.secondsDone + (performance.now() - began) / 1000;
      pending.push({ step: lastStep, generation: current.generation, epoch: ctx.epoch, loss: ctx.loss, seconds });
    },
    flushSteps,
    async endEpoch(_epoch, loss) {
      await flushSteps();
      tb?.scalars(lastStep, { 'train/epoch_loss': loss });
      await tb?.flush();
    },
    async endGeneration(record, images) {
      if (!tb) return;
      tb.scalars(record.generation, generationScalars(record));
      for (const [name, png] of Object.entries(images)) tb.image(name.replace(/\.png$/, ''), record.generation, png);
      await tb.flush();
    },
  };
}

/** Every finite number of a record under generation/ (wall-clock fields under timing/), arrays and objects left out. */
export function generationScalars(record: GenerationRecord): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) {
    if (NOT_PLOTTED.has(k) || typeof v !== 'number' || !Number.isFinite(v)) continue;
    out[`${(TIMING_FIELDS as readonly string[]).includes(k) ? 'timing' : 'generation'}/${k}`] = v;
  }
  return out;
}

/**
 * The run's settings as Markdown (TensorBoard's Text tab renders it): a table of the configuration, seed and
 * backend.
 */
export function configText(info: RunInfo): string {
  const rows: [string, unknown][] = [...Object.entries(info.config), ['seed', info.seed], ['backend', info.backend]];
  const cell = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\|/g, '\\|');
  return ['| setting | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`)].join('\n');
}
