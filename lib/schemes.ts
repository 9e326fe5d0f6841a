/**
 * How generation g+1's training set is built from the real data and the synthetic sets sampled so
 * far (Gerstgrasser et al. 2024, Fig. 5). Pure functions: they return views, never copies.
 */
import { concatSources, selectSource } from '../data/images.ts';
import type { ImageSource } from '../data/images.ts';
import { checkFraction, invalidOption, opt, OptionError, say, show } from './options.ts';
import type { Rng } from './rng.ts';

export type Scheme =
  /** Train only on the last generation's samples. */
  | { kind: 'replace' }
  /** Real data plus every synthetic set so far ("aug"). */
  | { kind: 'accumulate' }
  /** n images drawn from the accumulated pool, without ("sub") or with ("sub-repl") replacement. */
  | { kind: 'accumulate-subsample'; replacement: boolean }
  /** A fixed fraction of real data each generation, the rest from the last synthetic set. */
  | { kind: 'mix'; realFraction: number };

export const SCHEME_NAMES = ['replace', 'accumulate', 'sub', 'sub-repl', 'mix'] as const;
export type SchemeName = (typeof SCHEME_NAMES)[number];

/** The short name used on the command line, in run directories and in records. */
export function schemeName(scheme: Scheme): string {
  switch (scheme.kind) {
    case 'replace':
      return 'replace';
    case 'accumulate':
      return 'accumulate';
    case 'accumulate-subsample':
      return scheme.replacement ? 'sub-repl' : 'sub';
    case 'mix':
      return `mix-${scheme.realFraction}`;
    default:
      return assertNever(scheme);
  }
}

/** Parses a scheme name (as the CLIs take it); `mix` takes its real fraction from `realFraction`. */
export function parseScheme(name: string, realFraction?: number): Scheme {
  switch (name) {
    case 'replace':
      return { kind: 'replace' };
    case 'accumulate':
    case 'aug':
      return { kind: 'accumulate' };
    case 'sub':
      return { kind: 'accumulate-subsample', replacement: false };
    case 'sub-repl':
      return { kind: 'accumulate-subsample', replacement: true };
    case 'mix': {
      if (realFraction === undefined) throw new OptionError('realFraction', undefined, say`Scheme 'mix' needs ${opt('realFraction')}; expected a number from 0 to 1.`);
      return resolveScheme({ kind: 'mix', realFraction });
    }
    default:
      throw new OptionError('scheme', name, say`Scheme '${name}' is not known; expected one of ${SCHEME_NAMES.join(', ')}.`);
  }
}

/** Checks a scheme object (e.g. from a user's own code) and returns it; one sentence naming the option when it is malformed. */
export function resolveScheme(scheme: unknown): Scheme {
  const s = scheme as Scheme | undefined;
  switch (s?.kind) {
    case 'replace':
    case 'accumulate':
      return s;
    case 'accumulate-subsample':
      if (typeof s.replacement !== 'boolean') throw invalidOption('replacement', s.replacement, "true or false (scheme 'accumulate-subsample')");
      return s;
    case 'mix':
      checkFraction('realFraction', s.realFraction);
      return s;
    default:
      if (typeof scheme === 'string') {
        throw new OptionError('scheme', scheme, say`${opt('scheme')} ${show(scheme)} is a name; expected a scheme object, e.g. parseScheme(${show(scheme)}) or { kind: 'replace' }.`);
      }
      throw new OptionError('scheme', scheme, say`${opt('scheme')} ${show(scheme)} is not known; expected kind 'replace', 'accumulate', 'accumulate-subsample' or 'mix'.`);
  }
}

/** Checks the schemes of an experiment (at least one, each once) and returns their names, in order. */
export function schemeNames(schemes: unknown): string[] {
  if (!Array.isArray(schemes) || schemes.length === 0) {
    throw new OptionError('schemes', schemes, say`No scheme given; expected at least one of ${SCHEME_NAMES.join(', ')} in ${opt('schemes')}.`);
  }
  const names = schemes.map((s) => schemeName(resolveScheme(s)));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new OptionError('schemes', twice, say`Scheme '${twice}' is listed twice; expected each scheme once.`);
  return names;
}

export interface TrainingSetInput {
  real: ImageSource;
  /** Synthetic sets of generations 1..g-1, oldest first (empty for generation 1). */
  synthetic: readonly ImageSource[];
  /** Randomness for the draws of 'accumulate-subsample' and 'mix'. */
  rng: Rng;
}

export interface TrainingSet {
  source: ImageSource;
  /** Share of real images in `source`. */
  realFraction: number;
}

/** Builds a generation's training set. Generation 1 (no synthetic sets yet) trains on real data. */
export function buildTrainingSet(scheme: Scheme, input: TrainingSetInput): TrainingSet {
  const { real, synthetic, rng } = input;
  if (synthetic.length === 0) return { source: real, realFraction: 1 };
  const last = synthetic[synthetic.length - 1];
  const n = real.count;
  switch (scheme.kind) {
    case 'replace':
      return { source: last, realFraction: 0 };
    case 'accumulate': {
      const source = concatSources([real, ...synthetic]);
      return { source, realFraction: real.count / source.count };
    }
    case 'accumulate-subsample': {
      const pool = concatSources([real, ...synthetic]);
      const picked = rng.choose(pool.count, n, scheme.replacement);
      let fromReal = 0;
      for (const i of picked) if (i < real.count) fromReal++;
      return { source: selectSource(pool, picked), realFraction: fromReal / n };
    }
    case 'mix': {
      const k = Math.round(scheme.realFraction * n);
      if (n - k > last.count) {
        throw new Error(`Scheme mix-${scheme.realFraction} needs ${n - k} synthetic images but the last generation has ${last.count}; expected a synthetic size of at least ${n - k}.`);
      }
      const parts: ImageSource[] = [];
      if (k > 0) parts.push(selectSource(real, rng.choose(real.count, k, false)));
      if (n - k > 0) parts.push(selectSource(last, rng.choose(last.count, n - k, false)));
      return { source: concatSources(parts), realFraction: k / n };
    }
    default:
      return assertNever(scheme);
  }
}

/** How many images generation g will train on, for planning (ETAs, memory). */
export function plannedTrainSize(scheme: Scheme, g: number, realCount: number, syntheticSize: number): number {
  if (g <= 1) return realCount;
  switch (scheme.kind) {
    case 'replace':
      return syntheticSize;
    case 'accumulate':
      return realCount + (g - 1) * syntheticSize;
    case 'accumulate-subsample':
    case 'mix':
      return realCount;
    default:
      return assertNever(scheme);
  }
}

function assertNever(x: never): never {
  throw new Error(`Unhandled scheme ${JSON.stringify(x)}.`);
}
