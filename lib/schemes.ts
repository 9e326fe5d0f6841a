/**
 * How generation g+1's training set is built from the real data and the synthetic sets sampled so
 * far (Gerstgrasser et al. 2024, Fig. 5; the synthetic augmentation and fresh-data loops of
 * Alemohammad et al. 2023). Pure functions: they return views, never copies, and say which of their
 * images are real.
 */
import { concatSources, range, selectSource } from '../data/images.ts';
import type { ImageSource } from '../data/images.ts';
import { checkFraction, checkInteger, checkPositive, invalidOption, opt, OptionError, say, show } from './options.ts';
import type { Rng } from './rng.ts';

/** How generation g >= 2's training set is built from the real set and the synthetic sets so far. */
export type Scheme =
  /** Train only on the last generation's samples. */
  | { kind: 'replace' }
  /** Real data plus every synthetic set so far ("aug"). */
  | { kind: 'accumulate' }
  /** n images drawn from the accumulated pool, without ("sub") or with ("sub-repl") replacement. */
  | { kind: 'accumulate-subsample'; replacement: boolean }
  /**
   * A fixed share of real data each generation, the rest from the last synthetic set; the real
   * images are a new random subset every generation (a fixed share, not a fixed set).
   */
  | { kind: 'mix'; realFraction: number }
  /**
   * The synthetic augmentation loop (Alemohammad et al. 2023): every generation after the first
   * trains on the same real set, all of it, plus `syntheticRatio` times as many images from the
   * last synthetic set, so the real share stays 1/(1 + syntheticRatio) (under accumulate it falls as 1/g).
   */
  | { kind: 'augment'; syntheticRatio: number }
  /**
   * The fresh-data loop (Alemohammad et al. 2023): each generation after the first trains on
   * `freshSize` real images no earlier generation saw (from the data's freshPool) plus the last
   * synthetic set.
   */
  | { kind: 'fresh'; freshSize: number };

export const SCHEME_NAMES = ['replace', 'accumulate', 'sub', 'sub-repl', 'mix', 'augment', 'fresh'] as const;
/** A scheme as the CLIs name it: 'replace', 'accumulate', 'sub', 'sub-repl', 'mix', 'augment' or 'fresh'. */
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
    case 'augment':
      return `augment-${scheme.syntheticRatio}`;
    case 'fresh':
      return `fresh-${scheme.freshSize}`;
    default:
      return assertNever(scheme);
  }
}

/** The parameters some schemes take. */
export interface SchemeParams {
  /** Share of real images per generation, for 'mix'. */
  realFraction?: number;
  /** Synthetic images per real image, for 'augment'. */
  syntheticRatio?: number;
  /** New real images per generation, for 'fresh'. */
  freshSize?: number;
}

/**
 * Parses a scheme name (as the CLIs take it); `mix` takes its real fraction, `augment` its synthetic
 * ratio and `fresh` its fresh size from `params` (a number stands for { realFraction }).
 */
export function parseScheme(name: string, params: SchemeParams | number = {}): Scheme {
  const { realFraction, freshSize, syntheticRatio }: SchemeParams = typeof params === 'number' ? { realFraction: params } : params;
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
    case 'augment': {
      if (syntheticRatio === undefined) throw new OptionError('syntheticRatio', undefined, say`Scheme 'augment' needs ${opt('syntheticRatio')}; expected a positive number (synthetic images per real image).`);
      return resolveScheme({ kind: 'augment', syntheticRatio });
    }
    case 'fresh': {
      if (freshSize === undefined) throw new OptionError('freshSize', undefined, say`Scheme 'fresh' needs ${opt('freshSize')}; expected a positive integer (new real images per generation).`);
      return resolveScheme({ kind: 'fresh', freshSize });
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
    case 'augment':
      checkPositive('syntheticRatio', s.syntheticRatio);
      return s;
    case 'fresh':
      checkInteger('freshSize', s.freshSize, 1);
      return s;
    default:
      if (typeof scheme === 'string') {
        throw new OptionError('scheme', scheme, say`${opt('scheme')} ${show(scheme)} is a name; expected a scheme object, e.g. parseScheme(${show(scheme)}) or { kind: 'replace' }.`);
      }
      throw new OptionError('scheme', scheme, say`${opt('scheme')} ${show(scheme)} is not known; expected kind 'replace', 'accumulate', 'accumulate-subsample', 'mix', 'augment' or 'fresh'.`);
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

/** What a scheme builds from: the real set, the synthetic sets so far, a seeded stream and the fresh pool. */
export interface TrainingSetInput {
  real: ImageSource;
  /** Synthetic sets of generations 1..g-1, oldest first (empty for generation 1). */
  synthetic: readonly ImageSource[];
  /** Randomness of this generation's draws ('accumulate-subsample' and 'mix'). */
  rng: Rng;
  /**
   * What the 'fresh' scheme draws from: real images not in `real`, and a stream for the whole run
   * (the same in every generation: it orders the pool once, and generation g takes the next
   * freshSize images of that order, so no image is drawn twice). Defaults to none.
   */
  fresh?: { pool: ImageSource; rng: Rng };
}

/** The real and the synthetic images of a training set, as views (a part is absent when empty). */
export interface TrainingParts {
  real?: ImageSource;
  synthetic?: ImageSource;
}

/** What a scheme builds for one generation: the training set, its real share and its parts by source. */
export interface TrainingSet {
  source: ImageSource;
  /** Share of real images in `source`. */
  realFraction: number;
  /** The images of `source`, split by where they came from (the same images, in another order). */
  parts: TrainingParts;
}

/** Builds a generation's training set. Generation 1 (no synthetic sets yet) trains on real data. */
export function buildTrainingSet(scheme: Scheme, input: TrainingSetInput): TrainingSet {
  const { real, synthetic, rng } = input;
  if (synthetic.length === 0) return { source: real, realFraction: 1, parts: { real } };
  const last = synthetic[synthetic.length - 1];
  const n = real.count;
  switch (scheme.kind) {
    case 'replace':
      return { source: last, realFraction: 0, parts: { synthetic: last } };
    case 'accumulate': {
      const source = concatSources([real, ...synthetic]);
      return { source, realFraction: real.count / source.count, parts: { real, synthetic: concatSources(synthetic) } };
    }
    case 'accumulate-subsample': {
      const pool = concatSources([real, ...synthetic]);
      const picked = rng.choose(pool.count, n, scheme.replacement);
      const fromReal = picked.filter((i) => i < real.count);
      const fromSynthetic = picked.filter((i) => i >= real.count);
      return { source: selectSource(pool, picked), realFraction: fromReal.length / n, parts: splitParts(pool, fromReal, fromSynthetic) };
    }
    case 'mix': {
      const k = Math.round(scheme.realFraction * n);
      if (n - k > last.count) {
        throw new Error(`Scheme mix-${scheme.realFraction} needs ${n - k} synthetic images but the last generation has ${last.count}; expected a synthetic size of at least ${n - k}.`);
      }
      const parts: TrainingParts = {};
      if (k > 0) parts.real = selectSource(real, rng.choose(real.count, k, false));
      if (n - k > 0) parts.synthetic = selectSource(last, rng.choose(last.count, n - k, false));
      return { source: joinParts(parts), realFraction: k / n, parts };
    }
    case 'augment': {
      const m = augmentSyntheticCount(scheme, n);
      if (m > last.count) {
        throw new Error(`Scheme ${schemeName(scheme)} needs ${m} synthetic images but the last generation has ${last.count}; expected a synthetic size of at least ${m}.`);
      }
      // The samples are independent draws, so the first m are as good as any m.
      const parts: TrainingParts = { real, synthetic: selectSource(last, range(m)) };
      return { source: joinParts(parts), realFraction: n / (n + m), parts };
    }
    case 'fresh': {
      if (!input.fresh) throw new Error(`Scheme ${schemeName(scheme)} needs a pool of fresh real images; expected input.fresh.`);
      const g = synthetic.length + 1;
      const parts: TrainingParts = { real: selectSource(input.fresh.pool, freshIndices(scheme.freshSize, g, input.fresh.pool.count, input.fresh.rng)), synthetic: last };
      const source = joinParts(parts);
      return { source, realFraction: scheme.freshSize / source.count, parts };
    }
    default:
      return assertNever(scheme);
  }
}

/**
 * The pool images generation g (>= 2) of the fresh scheme trains on: the g-1-th block of
 * `freshSize` in one seeded order of the pool, the same for every g of a run (`rng` is the run's
 * fresh stream). A partial Fisher-Yates draw: the first k images of the order do not depend on how
 * many are drawn, so the blocks of different generations never share an image.
 */
export function freshIndices(freshSize: number, g: number, poolCount: number, rng: Rng): Uint32Array {
  const need = freshNeeded(freshSize, g);
  if (need > poolCount) {
    throw new Error(`Generation ${g} of scheme fresh-${freshSize} needs ${need} fresh real images in all but the pool holds ${poolCount}; expected at most ${Math.floor(poolCount / freshSize) + 1} generations.`);
  }
  // child(): a stream named by rng's name alone, whatever rng has drawn already.
  return rng.child(0).choose(poolCount, need, false).subarray(need - freshSize);
}

/** Fresh real images generations 2..g of the fresh scheme use in all. */
export function freshNeeded(freshSize: number, g: number): number {
  return Math.max(0, g - 1) * freshSize;
}

/** The views of a pool's images at two lists of positions (an empty list gives no part). */
function splitParts(pool: ImageSource, real: Uint32Array, synthetic: Uint32Array): TrainingParts {
  const parts: TrainingParts = {};
  if (real.length > 0) parts.real = selectSource(pool, real);
  if (synthetic.length > 0) parts.synthetic = selectSource(pool, synthetic);
  return parts;
}

/** The real part, then the synthetic part, as one source. */
function joinParts(parts: TrainingParts): ImageSource {
  return concatSources([parts.real, parts.synthetic].filter((p): p is ImageSource => p !== undefined));
}

/** The synthetic images generation g >= 2 of the augment scheme adds to `realCount` real ones. */
export function augmentSyntheticCount(scheme: { syntheticRatio: number }, realCount: number): number {
  return Math.max(1, Math.round(scheme.syntheticRatio * realCount));
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
    case 'augment':
      return realCount + augmentSyntheticCount(scheme, realCount);
    case 'fresh':
      return scheme.freshSize + syntheticSize;
    default:
      return assertNever(scheme);
  }
}

function assertNever(x: never): never {
  throw new Error(`Unhandled scheme ${JSON.stringify(x)}.`);
}

/** A scheme folder's place in the order the survey shows the schemes (replace, accumulate, ...); others after. */
export function schemeRank(name: string): number {
  const i = SCHEME_NAMES.findIndex((s) => name === s || name.startsWith(`${s}-`));
  return i < 0 ? SCHEME_NAMES.length : i;
}
