/** The experiment CLIs' tracking flags: --tensorboard [DIR] and --log-every N, and the options they set. */
import type { Argv } from 'yargs';
import { TRACKING_DEFAULTS } from '../lib/declaration.ts';
import type { ExperimentOptions } from '../lib/index.ts';
import { intOption, withDefault } from './flags.ts';

export function trackingFlags<T>(argv: Argv<T>) {
  return argv
    .option('tensorboard', { type: 'string', describe: withDefault('TensorBoard event files (losses, metrics, grids, configuration): bare, into each run directory\'s tensorboard/ folder; with DIR, into DIR/<scheme>', 'none') })
    .option('log-every', intOption('log-every', { describe: 'optimiser steps between training losses logged to steps.jsonl and TensorBoard (0: none)', default: TRACKING_DEFAULTS.logEvery, min: 0 }));
}

/** The library options the tracking flags set (absent flags leave the library's defaults). */
export function trackingOptions(raw: Partial<Record<string, unknown>>): Pick<ExperimentOptions, 'tensorboard' | 'logEvery'> {
  const tb = raw.tensorboard as string | undefined;
  return { tensorboard: tb === undefined ? undefined : tb === '' ? true : tb, logEvery: raw['log-every'] as number | undefined };
}
