/** The tracking options of trainGenerations (steps.jsonl's frequency, TensorBoard), checked and resolved. */
import { join } from 'node:path';
import { checkInteger, checkPath, invalidOption, opt, OptionError, say } from '../options.ts';
import { TENSORBOARD_DIR } from '../run/layout.ts';

/** What trainGenerations logs besides its records: training losses every few steps, TensorBoard event files. */
export interface TrackingOptions {
  /**
   * Optimiser steps between training losses read back for steps.jsonl, TensorBoard and onBatch's
   * `loss` (each one device read); 0 reads none. Defaults to 10.
   */
  logEvery?: number;
  /**
   * TensorBoard event files: true writes them to the run directory's tensorboard/ folder, a path
   * writes them to that folder. Defaults to false.
   */
  tensorboard?: boolean | string;
}

export const TRACKING_DEFAULTS = { logEvery: 10, tensorboard: false } as const;

export interface ResolvedTracking {
  logEvery: number;
  /** This run's TensorBoard folder, or none. */
  tensorboard?: string;
}

export function resolveTracking(o: TrackingOptions & { runDir?: string }): ResolvedTracking {
  const logEvery = checkInteger('logEvery', o.logEvery ?? TRACKING_DEFAULTS.logEvery, 0);
  const tb = o.tensorboard ?? TRACKING_DEFAULTS.tensorboard;
  if (tb === false) return { logEvery };
  if (tb === true) {
    if (!o.runDir)
      throw new OptionError('tensorboard', true, [
        ...say`${opt('tensorboard', true)} writes into the run directory, but there is none; expected ${opt('runDir')} `,
        ...say`too, or a folder as ${opt('tensorboard')}.`,
      ]);
    return { logEvery, tensorboard: join(o.runDir, TENSORBOARD_DIR) };
  }
  if (typeof tb !== 'string') throw invalidOption('tensorboard', tb, 'true, false or a folder');
  return { logEvery, tensorboard: checkPath('tensorboard', tb) };
}
