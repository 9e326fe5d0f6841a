/**
 * Checks that make the API as strict as the CLI: option keys it does not know (a misspelling from
 * plain JavaScript would otherwise be dropped), values that pass their type but mean nothing (a
 * learning rate that is zero in float32, a seed the counter-based streams cannot hold), and
 * combinations that would be ignored (warmStart without a run directory).
 */
import { closest } from 'fastest-levenshtein';
import { opt, OptionError, say } from './options.ts';
import type { GenerativeModel } from '../models/types.ts';
import type { GenerationsOptions } from './resolve.ts';
import { RUN_SETTINGS } from './run-settings.ts';
import { plannedTrainSize } from './schemes.ts';
import type { Scheme } from './schemes.ts';

/** The keys of trainGenerations() besides the run settings (RUN_SETTINGS); the type check below fails when GenerationsOptions gains one not listed. */
const OWN_KEYS = [
  'model', 'data', 'scheme', 'runDir', 'memoryBudget', 'config', 'placement', 'provenance', 'signal',
  'onBatch', 'onEpochEnd', 'onGenerationStart', 'onGenerationEnd', 'analyze', 'log', 'wasmThreads', 'logEvery', 'tensorboard',
] as const satisfies readonly (keyof GenerationsOptions)[];
type Unlisted = Exclude<keyof GenerationsOptions, (typeof OWN_KEYS)[number] | keyof typeof RUN_SETTINGS>;
const everyKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKeyListed;
/** Every key trainGenerations() reads. */
const GENERATION_KEYS: readonly string[] = [...Object.keys(RUN_SETTINGS), ...OWN_KEYS];

/** Refuses a key `known` does not hold, naming the nearest one. */
export function checkKnownKeys(options: object, known: readonly string[] = GENERATION_KEYS): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const near = closest(key, [...known]);
      throw new OptionError(key, (options as Record<string, unknown>)[key], say`Option '${key}' is not known; expected one of the documented options (did you mean ${opt(near)}?).`);
    }
  }
}

/** The largest seed: seeds are integers JavaScript holds exactly (the CLI stops at the same value). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Refuses values that pass their type check but cannot mean what was asked; call after the type checks. */
export function checkMeaningfulRanges(o: { seed: number; learningRate: number; warmStart: boolean; runDir?: string }): void {
  if (o.seed > MAX_SEED) throw new OptionError('seed', o.seed, say`${opt('seed')} ${o.seed} is above ${MAX_SEED} (2**53 - 1); expected an integer JavaScript holds exactly.`);
  // Training runs in float32: a smaller learning rate is 0 there, and nothing would be learned.
  if (Math.fround(o.learningRate) === 0) throw new OptionError('learningRate', o.learningRate, say`${opt('learningRate')} ${o.learningRate} is 0 in float32, the precision training runs in; expected at least ${Number(1.5e-45)}.`);
  if (o.warmStart && o.runDir === undefined) {
    throw new OptionError('warmStart', true, say`${opt('warmStart', true)} starts each generation from the previous one's saved weights, which need a run directory; expected ${opt('runDir')} as well.`);
  }
}

/** Every generation's training set must hold what the model needs to sample (minTrainImages), found before generation 1. */
export function checkTrainingSetSizes(model: GenerativeModel, scheme: Scheme, generations: number, realCount: number, syntheticSize: number): void {
  const need = model.minTrainImages ?? 1;
  for (let g = 1; g <= generations; g++) {
    const size = plannedTrainSize(scheme, g, realCount, syntheticSize);
    if (size >= need) continue;
    const option = g === 1 ? 'data' : 'syntheticSize';
    const value = g === 1 ? realCount : syntheticSize;
    throw new OptionError(option, value, say`Generation ${g} would train on ${size} image${size === 1 ? '' : 's'} (${opt(option)} ${value}), but this model needs at least ${need} to fit what it samples from; expected ${opt(option)} of at least ${need}.`);
  }
}
