/**
 * The settings every generational run has, whatever its family: the one declaration of each (see
 * declare.ts). trainGenerations' defaults and checks, run.json's configuration, a worker's message,
 * the experiment CLIs' flags and the report's configuration rows all come from this table.
 */
import { BACKEND_CHOICES } from './backend-choices.ts';
import { choice, defaultsOf, flag, integer, positive } from './declare.ts';
import type { ValuesOf } from './declare.ts';
import { opt, OptionError, say } from './options.ts';

/** Defaults are those of the survey's MNIST experiment (7 generations x 10 epochs, Adam 1e-3, batch 128). */
export const RUN_SETTINGS = {
  // A run may be extended by more generations, so their count is not part of its configuration.
  generations: integer({ help: 'generations, the first on real data', default: 7, min: 1 }),
  epochs: integer({
    help: 'epochs per generation',
    default: 10,
    min: 1,
    config: true,
    report: 'epochs per generation',
  }),
  // Compute-matched training (the language models' literature): steps, not passes over the set.
  steps: integer({
    help: 'optimiser steps per generation, each on batch-size examples drawn from the whole training set; epochs become checkpoints',
    defaultHelp: 'epochs over the training set',
    min: 1,
    flag: false,
    config: true,
    report: 'optimiser steps per generation',
  }),
  syntheticSize: integer({
    help: 'images sampled per generation',
    defaultHelp: 'the training size',
    min: 1,
    config: true,
    report: 'synthetic images per generation',
  }),
  batchSize: integer({ help: 'images per step', default: 128, min: 1, config: true, report: 'batch size' }),
  learningRate: positive({
    help: 'Adam learning rate',
    default: 1e-3,
    flag: 'lr',
    config: true,
    report: 'learning rate',
  }),
  // Evaluation and sampling take no gradients, so their batches can be larger.
  evalBatchSize: integer({
    help: 'images per batch when evaluating and sampling',
    default: 1000,
    min: 1,
    flag: false,
    config: true,
    report: 'evaluation batch size',
  }),
  warmStart: flag({
    help: 'start each generation from the previous weights',
    default: false,
    config: true,
    report: 'warm start',
  }),
  // A picture only: no number or record depends on it, so a resume may change it.
  sampleGrid: integer({ help: "synthetic images shown in each generation's samples.png", default: 100, min: 1 }),
  seed: integer({ help: 'seed of every random draw', default: 0, min: 0 }),
  backend: choice(BACKEND_CHOICES, { help: 'tfjs backend', default: 'auto' }),
  resume: flag({
    help: 'continue the runs in --out after their last complete generation; starts them if absent',
    default: false,
  }),
  force: flag({ help: 'replace runs already in --out', default: false }),
} as const;

/** The checked values of RUN_SETTINGS: what every run is trained with. */
export type RunSettings = ValuesOf<typeof RUN_SETTINGS>;

/** The defaults of RUN_SETTINGS. */
export const RUN_DEFAULTS = defaultsOf(RUN_SETTINGS);

/** The checks across run settings that no single setting's check can make (each was checked alone already). */
export function checkRunSettingsTogether(o: Pick<RunSettings, 'warmStart'> & { runDir?: string }): void {
  if (o.warmStart && o.runDir === undefined) {
    const sentence = [
      ...say`${opt('warmStart', true)} starts each generation from the previous one's saved weights, `,
      ...say`which need a run directory; expected ${opt('runDir')} as well.`,
    ];
    throw new OptionError('warmStart', true, sentence);
  }
}
