/**
 * The one place where trainGenerations' options are checked and completed: every check runs here,
 * before anything is trained or written (an aborted signal, a string learning rate or a scheme the
 * data cannot feed never creates run.json). A new option gets its default in GENERATION_DEFAULTS and
 * its check in resolveOptions.
 */
import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import { pixelsPerImage, range } from '../data/images.ts';
import type { ImageSet, ImageSource } from '../data/images.ts';
import type { GenerativeModel, ModelFactory } from '../models/types.ts';
import { BACKEND_CHOICES, backendRecord, initBackend } from './backend.ts';
import type { BackendChoice, BackendInfo } from './backend.ts';
import { checkBoolean, checkFunction, checkInteger, checkPath, checkPositive, definedOnly, invalidOption, OptionError, say, opt, show } from './options.ts';
import type { Provenance } from './provenance.ts';
import type { GenerationRecord } from './record.ts';
import { newRunId, RUN_FORMAT } from './run/info.ts';
import type { RunInfo } from './run/info.ts';
import type { RunDir } from './run/run-dir.ts';
import type { Rng } from './rng.ts';
import { augmentSyntheticCount, freshNeeded, resolveScheme, schemeName } from './schemes.ts';
import type { Scheme } from './schemes.ts';
import { resolveTracking } from './tracking/options.ts';
import type { ResolvedTracking, TrackingOptions } from './tracking/options.ts';
import { abortError } from './train.ts';
import type { BatchContext, EpochContext } from './train.ts';
import { versions } from './versions.ts';
import { checkKnownKeys, checkMeaningfulRanges, checkTrainingSetSizes } from './option-checks.ts';

/** Options of trainGenerations. Each field says its default; every one is checked before anything is written. */
export interface GenerationsOptions extends TrackingOptions {
  /** Builds a freshly initialised model from a seed; called once per generation. */
  model: ModelFactory;
  /**
   * Real training and held-out test images, and for scheme 'fresh' its pool: real images not in
   * `train` that later generations draw from, each at most once per run.
   */
  data: GenerationData;
  /** How each generation's training set is built. */
  scheme: Scheme;
  /** Number of generations, the first trained on real data. Defaults to 7. */
  generations?: number;
  /** Epochs per generation. Defaults to 10. */
  epochs?: number;
  /**
   * A fixed number of optimiser steps per generation instead of epochs over its training set: each
   * step draws batchSize examples with replacement from the whole set, and `epochs` become
   * checkpoints splitting the steps evenly (at least one step each). Defaults to none.
   */
  steps?: number;
  /** Images per optimiser step. Defaults to 128. */
  batchSize?: number;
  /** Adam's learning rate. Defaults to 1e-3. */
  learningRate?: number;
  /** Images sampled per generation. Defaults to the size of the real training set. */
  syntheticSize?: number;
  /** Images per batch when evaluating and sampling (no gradients, so larger). Defaults to 1000. */
  evalBatchSize?: number;
  /** Seed of every random draw in the run. Defaults to 0. */
  seed?: number;
  /** Start each generation from the previous generation's weights instead of a fresh init. Defaults to false. */
  warmStart?: boolean;
  /** Backend to initialise if none is yet. Defaults to 'auto'. */
  backend?: BackendChoice;
  /** Threads of the wasm backend (BackendOptions.wasmThreads): the same numbers as 1. Defaults to 1. */
  wasmThreads?: number;
  /** Run directory (checkpoints, samples, logs). Defaults to none: nothing is written. */
  runDir?: string;
  /**
   * Continue the run in `runDir` after its last complete generation that verifies, from the last
   * end-of-epoch checkpoint of the generation in progress. The learning rate may differ from the
   * run's (e.g. lower after a NaN): generations trained with another one carry `learningRate` in
   * their record. Defaults to false.
   */
  resume?: boolean;
  /** Replace a run already in `runDir`. Defaults to false. */
  force?: boolean;
  /** Bytes one synthetic set may take in memory (it is sampled whole). Defaults to half of the machine's memory. */
  memoryBudget?: number;
  /**
   * Extra settings recorded in run.json and checked on resume (e.g. the dataset, or what a custom
   * `analyze` hook measures: `analysis`). Keys of the run's own settings (RUN_CONFIG_KEYS) are
   * refused. Defaults to {}.
   */
  config?: Record<string, unknown>;
  /** Where this process runs (host, Slurm job ids): recorded in a new run's run.json, never checked on resume. Defaults to none. */
  placement?: Record<string, unknown>;
  /** Where the run came from (command line, config file, commit; describeProvenance): recorded in a new run's run.json, never checked on resume. Defaults to none. */
  provenance?: Provenance;
  /** Stops the run between batches; nothing half-done is written. Defaults to none. */
  signal?: AbortSignal;
  /** Called after every batch. Defaults to none. */
  onBatch?: (ctx: BatchContext & { generation: number; generations: number }) => void;
  /** Called after every epoch. Defaults to none. */
  onEpochEnd?: (ctx: EpochContext & { generation: number; generations: number }) => void | Promise<void>;
  /** Called when a generation starts, with the size of its training set. Defaults to none. */
  onGenerationStart?: (ctx: { generation: number; generations: number; trainSize: number; realFraction: number }) => void | Promise<void>;
  /** Called with each finished generation's record (after it is saved). Defaults to none. */
  onGenerationEnd?: (record: GenerationRecord) => void | Promise<void>;
  /**
   * Optional per-generation analysis (collapse metrics, grids): called with the trained model and
   * its samples before they are disposed. Its `fields` join the generation's record (a field of the
   * record's own, e.g. testLoss, is refused) and its `files` are written into the generation's
   * folder with the rest of the generation. Defaults to none.
   */
  analyze?: (ctx: AnalyzeContext) => Promise<AnalyzeResult>;
  /** Notes for the user (resume information, backend warnings). Defaults to none. */
  log?: (line: string) => void;
}

/** The real images of a run. */
export interface GenerationData {
  /** Generation 1's training set, and every scheme's real part after it (except 'fresh'). */
  train: ImageSource;
  /** The held-out test set every generation's test loss is measured on. */
  test: ImageSource;
  /** Scheme 'fresh': real images that are not in `train`, drawn without replacement (each at most once per run). Defaults to none. */
  freshPool?: ImageSource;
}

/** What an `analyze` hook receives for one finished generation: its number, model, samples, training set and data, and randomness. */
export interface AnalyzeContext {
  generation: number;
  model: GenerativeModel;
  /** The synthetic set this generation sampled. */
  samples: ImageSet;
  /** This generation's training set. */
  trainSet: ImageSource;
  /** The real images of the run. */
  data: GenerationData;
  /** A stream reserved for the analysis (same in a resumed run). */
  rng: Rng;
  /** The run directory, when there is one (earlier generations can be read from it). */
  run?: RunDir;
}

/** What an `analyze` hook returns: fields joined to the generation's record, and files for its folder. */
export interface AnalyzeResult {
  /** Fields for the generation's record; none may be one of the record's own (RECORD_FIELDS). */
  fields?: Record<string, unknown>;
  /** File name (no folders) -> contents, written into the generation's folder. */
  files?: Record<string, Uint8Array>;
}

/** Defaults of the survey's MNIST experiment (7 generations x 10 epochs, Adam 1e-3, batch 128). */
export const GENERATION_DEFAULTS = {
  generations: 7,
  epochs: 10,
  batchSize: 128,
  learningRate: 1e-3,
  evalBatchSize: 1000,
  seed: 0,
  warmStart: false,
  backend: 'auto',
  resume: false,
  force: false,
  config: {},
} as const satisfies Partial<GenerationsOptions>;

/** Every option checked and with its default: what the loop runs on. */
export interface ResolvedOptions extends Required<Pick<GenerationsOptions, 'model' | 'data' | 'scheme' | 'generations' | 'epochs' | 'batchSize' | 'learningRate' | 'syntheticSize' | 'evalBatchSize' | 'seed' | 'warmStart' | 'resume' | 'force' | 'config'>>,
    Pick<GenerationsOptions, 'steps' | 'runDir' | 'memoryBudget' | 'signal' | 'onBatch' | 'onEpochEnd' | 'onGenerationStart' | 'onGenerationEnd' | 'analyze' | 'log'>,
    ResolvedTracking {
  /** The scheme's display name (records, folders). */
  schemeName: string;
  backend: BackendInfo;
  /** What run.json records for these options. */
  runInfo: RunInfo;
}

const HOOKS = ['onBatch', 'onEpochEnd', 'onGenerationStart', 'onGenerationEnd', 'analyze', 'log'] as const;

/**
 * Checks every option, fills in the defaults, starts the backend (unless `backend` is given: an
 * experiment starts it once for all its runs) and describes the run, all before anything is written.
 */
export async function resolveOptions(options: GenerationsOptions, started?: BackendInfo): Promise<ResolvedOptions> {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', options, 'an object of trainGenerations options');
  const o = { ...GENERATION_DEFAULTS, ...definedOnly(options) };
  if (o.resume === true && o.force === true) {
    throw new OptionError('force', true, say`${opt('resume', true)} and ${opt('force', true)} were both given; expected one of them (resume continues the run in ${opt('runDir')}, force replaces it).`);
  }
  const model = checkFunction<ModelFactory>('model', o.model, false)!;
  const { train, test } = checkData(o.data);
  const scheme = resolveScheme(o.scheme);
  const syntheticSize = checkInteger('syntheticSize', o.syntheticSize ?? train.count, 1);
  const generations = checkInteger('generations', o.generations, 1);
  const freshPool = checkFreshPool(scheme, o.data, train, generations);
  const resolved = {
    model,
    data: { train, test, ...(freshPool ? { freshPool } : {}) },
    scheme,
    generations,
    epochs: checkInteger('epochs', o.epochs, 1),
    steps: o.steps === undefined ? undefined : checkSteps(o.steps, o.epochs),
    batchSize: checkInteger('batchSize', o.batchSize, 1),
    learningRate: checkPositive('learningRate', o.learningRate),
    syntheticSize,
    evalBatchSize: checkInteger('evalBatchSize', o.evalBatchSize, 1),
    seed: checkInteger('seed', o.seed, 0),
    warmStart: checkBoolean('warmStart', o.warmStart),
    resume: checkBoolean('resume', o.resume),
    force: checkBoolean('force', o.force),
    runDir: checkPath('runDir', o.runDir),
    memoryBudget: o.memoryBudget,
    config: checkConfig(o.config),
    signal: checkSignal(o.signal),
    ...resolveTracking(o),
  };
  for (const hook of HOOKS) checkFunction(hook, o[hook]);
  checkKnownKeys(options);
  checkMeaningfulRanges(resolved);
  checkMemory(syntheticSize, train, o.memoryBudget);
  checkMixSize(scheme, train.count, syntheticSize);
  if (!BACKEND_CHOICES.includes(o.backend as BackendChoice)) throw invalidOption('backend', o.backend, `one of ${BACKEND_CHOICES.join(', ')}`);
  if (resolved.signal?.aborted) throw abortError(resolved.signal);
  const backend = started ?? (await initBackend(o.backend as BackendChoice, { wasmThreads: o.wasmThreads }));
  const name = schemeName(scheme);
  // Everything that changes a number or a record (README, "Reliability"); a resume must match it.
  const config = {
    model: describeModel(model, train, (m) => checkTrainingSetSizes(m, scheme, resolved.generations, train.count, syntheticSize)),
    scheme: name,
    epochs: resolved.epochs,
    ...(resolved.steps !== undefined ? { steps: resolved.steps } : {}),
    batchSize: resolved.batchSize,
    learningRate: resolved.learningRate,
    syntheticSize,
    evalBatchSize: resolved.evalBatchSize,
    trainSize: train.count,
    testSize: test.count,
    data: { train: dataDigest(train), test: dataDigest(test), ...(freshPool ? { freshPool: dataDigest(freshPool) } : {}) },
    warmStart: resolved.warmStart,
    // Scheme 'fresh': the pool's size (its images are in data.freshPool's digest above).
    ...(freshPool ? { freshPoolSize: freshPool.count } : {}),
    // What adds fields and files to the records; an experiment describes its collapse analysis here.
    analysis: o.analyze ? 'analyze hook' : 'none',
    ...resolved.config,
  } satisfies Record<Exclude<(typeof RUN_CONFIG_KEYS)[number], 'freshPoolSize' | 'steps'> | 'analysis', unknown>;
  const runInfo: RunInfo = {
    format: RUN_FORMAT,
    id: newRunId(),
    config,
    seed: resolved.seed,
    backend: backendRecord(backend),
    versions: versions(),
    createdAt: new Date().toISOString(),
    ...(o.placement ? { placement: o.placement } : {}),
    ...(o.provenance ? { provenance: o.provenance } : {}),
  };
  return { ...resolved, onBatch: o.onBatch, onEpochEnd: o.onEpochEnd, onGenerationStart: o.onGenerationStart, onGenerationEnd: o.onGenerationEnd, analyze: o.analyze, log: o.log, schemeName: name, backend, runInfo };
}

function checkData(data: unknown): { train: ImageSource; test: ImageSource } {
  const d = data as { train?: ImageSource; test?: ImageSource } | undefined;
  if (typeof d !== 'object' || d === null) throw invalidOption('data', data, 'an object with train and test image sets');
  for (const part of ['train', 'test'] as const) {
    const set = d[part];
    if (!isImageSource(set)) {
      throw invalidOption(`data.${part}`, set, 'an image set (ImageSet or ImageSource: shape, count, gather)');
    }
    if (!(Number.isInteger(set.count) && set.count > 0)) throw new OptionError(`data.${part}`, set.count, say`${opt(`data.${part}`)} holds ${set.count} images; expected at least one.`);
  }
  const { train, test } = d as { train: ImageSource; test: ImageSource };
  if (train.shape.join('x') !== test.shape.join('x')) {
    throw new OptionError('data.test', test.shape, say`Training images are ${train.shape.join('x')} but test images are ${test.shape.join('x')}; expected one shape.`);
  }
  return { train, test };
}

function isImageSource(set: unknown): set is ImageSource {
  const s = set as ImageSource | null | undefined;
  return typeof s === 'object' && s !== null && Array.isArray(s.shape) && typeof s.gather === 'function' && typeof s.count === 'number';
}

// ---- Scheme 'fresh': its pool of real images, checked to last every generation before anything starts.

function checkFreshPool(scheme: Scheme, data: unknown, train: ImageSource, generations: number): ImageSource | undefined {
  if (scheme.kind !== 'fresh') return undefined;
  const name = schemeName(scheme);
  const pool = (data as { freshPool?: unknown }).freshPool;
  if (!isImageSource(pool)) {
    throw new OptionError('data.freshPool', pool, say`Scheme ${name} draws new real images from ${opt('data.freshPool')}, which is ${show(pool)}; expected an image set of real images that are not in data.train.`);
  }
  if (pool.shape.join('x') !== train.shape.join('x')) {
    throw new OptionError('data.freshPool', pool.shape, say`Training images are ${train.shape.join('x')} but the fresh pool's are ${pool.shape.join('x')}; expected one shape.`);
  }
  const need = freshNeeded(scheme.freshSize, generations);
  if (need > pool.count) {
    const most = Math.floor(pool.count / scheme.freshSize) + 1;
    throw new OptionError('freshSize', scheme.freshSize, say`Scheme ${name} needs ${scheme.freshSize} new real images in each of generations 2 to ${generations} (${need} in all) but only ${pool.count} real images are left for it (those not in the first generation's training set); expected a ${opt('freshSize')} of at most ${Math.floor(pool.count / (generations - 1))}, or at most ${most} ${opt('generations')}.`);
  }
  return pool;
}

/** Config keys resolveOptions records itself: `config` may not override them (run.json would misdescribe the run). */
export const RUN_CONFIG_KEYS = ['model', 'scheme', 'epochs', 'steps', 'batchSize', 'learningRate', 'syntheticSize', 'evalBatchSize', 'trainSize', 'testSize', 'data', 'warmStart', 'freshPoolSize'] as const;

function checkConfig(config: unknown): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalidOption('config', config, 'an object of extra settings');
  const clash = Object.keys(config).find((k) => (RUN_CONFIG_KEYS as readonly string[]).includes(k));
  if (clash) throw new OptionError('config', clash, say`${opt('config')} sets '${clash}', which is one of the settings the run records itself; expected keys of your own (not ${RUN_CONFIG_KEYS.join(', ')}).`);
  return config as Record<string, unknown>;
}

const digests = new WeakMap<ImageSource, string>();

/** SHA-256 of a set's shape and pixels (a different data set, or other images of it, changes the numbers). Cached per set. */
function dataDigest(source: ImageSource): string {
  const cached = digests.get(source);
  if (cached) return cached;
  const hash = createHash('sha256').update(`${source.count}x${source.shape.join('x')}\n`);
  const pixels = (source as Partial<ImageSet>).pixels;
  if (pixels instanceof Uint8Array && pixels.length === source.count * pixelsPerImage(source.shape)) {
    hash.update(pixels);
  } else {
    // A file-backed set, read in slices of about 64 MB.
    const step = Math.max(1, Math.floor(2 ** 26 / pixelsPerImage(source.shape)));
    for (let start = 0; start < source.count; start += step) hash.update(source.gather(range(Math.min(step, source.count - start)).map((i) => i + start)));
  }
  const digest = `sha256:${hash.digest('hex')}`;
  digests.set(source, digest);
  return digest;
}

/** Steps per generation: each epoch (a checkpoint) needs at least one. */
function checkSteps(steps: unknown, epochs: unknown): number {
  const n = checkInteger('steps', steps, 1);
  if (typeof epochs === 'number' && n < epochs) {
    throw new OptionError('steps', n, say`${opt('steps')} ${n} is fewer than ${opt('epochs')} ${epochs} (each epoch is a checkpoint of at least one step); expected at least ${epochs} steps, or fewer epochs.`);
  }
  return n;
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalidOption('signal', signal, 'an AbortSignal');
  return signal;
}

/** One synthetic set is sampled whole, so it must fit in memory. */
function checkMemory(syntheticSize: number, train: ImageSource, memoryBudget: unknown): void {
  const budget = memoryBudget === undefined ? Math.floor(totalmem() / 2) : checkPositive('memoryBudget', memoryBudget);
  const setBytes = syntheticSize * pixelsPerImage(train.shape);
  if (setBytes > budget) {
    throw new OptionError('syntheticSize', syntheticSize, say`Synthetic size ${syntheticSize} needs ${gb(setBytes)} for one synthetic set of ${train.shape.join('x')} images; expected at most ${gb(budget)} (${memoryBudget === undefined ? "half of this machine's memory" : 'the memory budget'}): lower ${opt('syntheticSize')}.`);
  }
}

/** mix and augment draw n(1 - realFraction), or syntheticRatio·n, images from the last synthetic set, so that set must be large enough. */
function checkMixSize(scheme: Scheme, n: number, syntheticSize: number): void {
  if (scheme.kind !== 'mix' && scheme.kind !== 'augment') return;
  const need = scheme.kind === 'mix' ? n - Math.round(scheme.realFraction * n) : augmentSyntheticCount(scheme, n);
  if (need > syntheticSize) {
    throw new OptionError('syntheticSize', syntheticSize, say`Scheme ${schemeName(scheme)} needs ${need} synthetic images per generation but ${opt('syntheticSize')} is ${syntheticSize}; expected at least ${need}.`);
  }
}

/** Builds one model to check the factory and read its config (run.json); generation models are built fresh later. */
function describeModel(factory: ModelFactory, train: ImageSource, checkNeeds: (m: GenerativeModel) => void): Record<string, unknown> {
  let probe: Partial<GenerativeModel> | undefined;
  try {
    probe = factory({ seed: 0 }) as Partial<GenerativeModel> | undefined;
  } catch (err) {
    // The factory's own option errors (e.g. createVae's hidden sizes) name their option already.
    if (err instanceof OptionError) throw err;
    throw new OptionError('model', factory, say`${opt('model')} threw ${(err as Error).name ?? 'an error'} when called with { seed: 0 }: ${String((err as Error).message ?? err).replace(/\.$/, '')}; expected a factory returning a GenerativeModel (e.g. createVae).`);
  }
  const missing = ['config', 'network', 'trainStep', 'lossSums', 'sample', 'dispose'].filter((k) => probe?.[k as keyof GenerativeModel] === undefined);
  if (missing.length > 0) {
    (probe as GenerativeModel | undefined)?.dispose?.();
    throw new OptionError('model', probe, say`${opt('model')} returned ${show(probe)}, which lacks ${missing.join(', ')}; expected a factory returning a GenerativeModel (e.g. createVae).`);
  }
  const model = probe as GenerativeModel;
  const config = model.config as Record<string, unknown>;
  const shape = model.imageShape;
  try {
    checkNeeds(model);
  } finally {
    model.dispose();
  }
  if (shape && pixelsPerImage(shape) !== pixelsPerImage(train.shape)) {
    throw new OptionError('model', shape, say`${opt('model')} makes ${shape.join('x')} images but the training images are ${train.shape.join('x')}; expected one shape.`);
  }
  return config;
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes < 1e9 ? 3 : 1)} GB`;
}
