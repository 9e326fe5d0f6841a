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
import { backendRecord, initBackend } from './backend.ts';
import type { BackendInfo } from './backend.ts';
import { configKeys, configOf, resolveSettings } from './declare.ts';
import type { GivenOf } from './declare.ts';
import { checkFunction, checkInteger, checkPath, checkPositive, definedOnly, invalidOption, OptionError, say, opt, show } from './options.ts';
import type { Provenance } from './provenance.ts';
import type { GenerationRecord } from './record.ts';
import { newRunId, RUN_FORMAT } from './run/info.ts';
import type { RunInfo } from './run/info.ts';
import type { RunDir } from './run/run-dir.ts';
import type { Rng } from './rng.ts';
import { RUN_DEFAULTS, RUN_SETTINGS } from './run-settings.ts';
import type { RunSettings } from './run-settings.ts';
import { augmentSyntheticCount, freshNeeded, resolveScheme, schemeName } from './schemes.ts';
import type { Scheme } from './schemes.ts';
import { resolveTracking } from './tracking/options.ts';
import type { ResolvedTracking, TrackingOptions } from './tracking/options.ts';
import { abortError } from './train.ts';
import type { BatchContext, EpochContext } from './train.ts';
import { versions } from './versions.ts';
import { checkKnownKeys, checkMeaningfulRanges, checkTrainingSetSizes } from './option-checks.ts';

/**
 * trainGenerations' options: the run settings of RUN_SETTINGS (lib/run-settings.ts: generations,
 * epochs, learningRate, seed, ...; each with its help and default there), and what is not plain
 * data: the model factory, the data, the scheme, the run directory and the hooks.
 */
export interface GenerationsOptions extends GivenOf<typeof RUN_SETTINGS>, TrackingOptions {
  /** Builds a freshly initialised model from a seed; called once per generation. */
  model: ModelFactory;
  /**
   * Real training and held-out test images, and for scheme 'fresh' its pool: real images not in
   * `train` that later generations draw from, each at most once per run.
   */
  data: GenerationData;
  /** How each generation's training set is built. */
  scheme: Scheme;
  /** Threads of the wasm backend (BackendOptions.wasmThreads): the same numbers as 1. Defaults to 1. */
  wasmThreads?: number;
  /** Run directory (checkpoints, samples, logs). Defaults to none: nothing is written. */
  runDir?: string;
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

/** The defaults of trainGenerations' options (RUN_SETTINGS' defaults, and no extra config). */
export const GENERATION_DEFAULTS = { ...RUN_DEFAULTS, config: {} } as const;

/** Every option checked and with its default: what the loop runs on. */
export interface ResolvedOptions
  extends Omit<RunSettings, 'backend' | 'syntheticSize'>,
    Required<Pick<GenerationsOptions, 'model' | 'data' | 'scheme' | 'config'>>,
    Pick<GenerationsOptions, 'runDir' | 'memoryBudget' | 'signal' | 'onBatch' | 'onEpochEnd' | 'onGenerationStart'>,
    Pick<GenerationsOptions, 'onGenerationEnd' | 'analyze' | 'log'>,
    ResolvedTracking {
  syntheticSize: number;
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
  const settings = resolveSettings(RUN_SETTINGS, { ...o, syntheticSize: o.syntheticSize ?? train.count });
  const { generations, backend: choice } = settings;
  const syntheticSize = settings.syntheticSize!;
  if (settings.steps !== undefined) checkSteps(settings.steps, settings.epochs);
  const freshPool = checkFreshPool(scheme, o.data, train, generations);
  const resolved = {
    ...settings,
    syntheticSize,
    model,
    data: { train, test, ...(freshPool ? { freshPool } : {}) },
    scheme,
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
  if (resolved.signal?.aborted) throw abortError(resolved.signal);
  const backend = started ?? (await initBackend(choice, { wasmThreads: o.wasmThreads }));
  const name = schemeName(scheme);
  // Everything that changes a number or a record (README, "Reliability"); a resume must match it.
  const config = {
    model: describeModel(model, train, (m) => checkTrainingSetSizes(m, scheme, resolved.generations, train.count, syntheticSize)),
    scheme: name,
    ...configOf(RUN_SETTINGS, settings),
    trainSize: train.count,
    testSize: test.count,
    data: { train: dataDigest(train), test: dataDigest(test), ...(freshPool ? { freshPool: dataDigest(freshPool) } : {}) },
    // Scheme 'fresh': the pool's size (its images are in data.freshPool's digest above).
    ...(freshPool ? { freshPoolSize: freshPool.count } : {}),
    // What adds fields and files to the records; an experiment describes its collapse analysis here.
    analysis: o.analyze ? 'analyze hook' : 'none',
    ...resolved.config,
  };
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
export const RUN_CONFIG_KEYS: readonly string[] = [
  'model',
  'scheme',
  ...configKeys(RUN_SETTINGS),
  ...['trainSize', 'testSize', 'data', 'freshPoolSize'],
];

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
