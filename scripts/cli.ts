/**
 * What the image-experiment CLIs share: their flags (under scripts/flags.ts's convention, with each
 * dataset's own defaults), presets, the model factory they describe, and the main routine (graceful
 * stop, errors as one sentence naming the flag, the closing table). Each script only names its model
 * family and dataset.
 */
import { resolve as resolvePath } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { pathToFileURL } from 'node:url';
import type { Argv } from 'yargs';
import {
  BACKEND_CHOICES,
  createAutoencoder,
  createConvAutoencoder,
  createConvVae,
  createVae,
  defaultClassifierDir,
  describeProvenance,
  formatLossTable,
  GENERATION_DEFAULTS,
  parseScheme,
  schemeNames,
  runExperiment,
  SCHEME_NAMES,
  watchWrappers,
} from '../lib/index.ts';
import type { AutoencoderOptions, BackendChoice, ExperimentOptions, ImageSource, ModelFactory, Scheme, VaeOptions, WorkerSetup } from '../lib/index.ts';
import {
  configFileOf,
  configOption,
  exitWithError,
  FlagError,
  flagMessage,
  flagNamer,
  flagNames,
  intOption,
  kebab,
  listOption,
  numberListOption,
  numberOption,
  parseFlags,
  usage,
  withDefault,
} from './flags.ts';
import { typed } from './flag-numbers.ts';
import { receivedArgv, rerunWords, scriptFile } from './invocation.ts';
import { trackingFlags, trackingOptions } from './tracking-flags.ts';

export type Family = 'vae' | 'ae';
export type Dataset = 'mnist' | 'celeba';

const FAMILY_NAMES: Record<Family, string> = { vae: 'a VAE', ae: 'an autoencoder' };

/** Presets override only what differs from the defaults (the survey's full experiment). */
export type PresetName = 'quick' | 'paper';
type Preset = Partial<Record<'generations' | 'epochs' | 'trainSize' | 'testSize', number>>;

/**
 * What each dataset's CLI uses when a flag is absent, and shows in its --help. CelebA's sizes are
 * the whole folder (or --limit), so its presets set only generations and epochs.
 */
const DATASETS = {
  mnist: {
    name: 'MNIST',
    trainSize: 60000 as number | undefined,
    testSize: 10000 as number | undefined,
    sizeHelp: { train: 60000, test: 10000 } as Record<'train' | 'test', unknown>,
    latentDim: 20,
    arch: 'dense' as 'dense' | 'conv',
    // The collapse metrics' classifier is an MNIST one.
    metrics: true,
    // MNIST's training images after the first --train-size are the fresh scheme's pool.
    freshPool: true,
    presets: {
      /** Small enough for a 2-core CPU in a few minutes, large enough to show collapse. */
      quick: { generations: 5, epochs: 5, trainSize: 10000, testSize: 10000 },
      /** The survey's MNIST experiment: 7 generations x 10 epochs on all 60,000 training images. */
      paper: { generations: 7, epochs: 10, trainSize: 60000, testSize: 10000 },
    } as Record<PresetName, Preset>,
  },
  celeba: {
    name: 'CelebA',
    trainSize: undefined,
    testSize: undefined,
    sizeHelp: { train: 'every training image of the folder, or --limit', test: 'every test image of the folder, or the --limit share' },
    latentDim: 128,
    arch: 'conv' as 'dense' | 'conv',
    metrics: false,
    freshPool: false,
    presets: { quick: { generations: 5, epochs: 5 }, paper: { generations: 7, epochs: 10 } },
  },
} satisfies Record<Dataset, unknown>;

const DEFAULTS = {
  scheme: ['replace', 'accumulate'],
  generations: GENERATION_DEFAULTS.generations,
  epochs: GENERATION_DEFAULTS.epochs,
  batchSize: GENERATION_DEFAULTS.batchSize,
  lr: GENERATION_DEFAULTS.learningRate,
  hidden: [400],
  seed: GENERATION_DEFAULTS.seed,
  backend: 'auto' as BackendChoice,
  threads: 1,
};

const SAMPLING: Record<Family, { choices: string[]; default: string }> = {
  vae: { choices: ['mean', 'bernoulli', 'threshold'], default: 'mean' },
  ae: { choices: ['latent-gaussian', 'reconstruct', 'bernoulli', 'threshold'], default: 'latent-gaussian' },
};

/** A flag that sets a parameter of one scheme kind: given without that scheme in --scheme, it would be ignored. */
const SCHEME_PARAMETERS: Record<string, { scheme: string; kind: Scheme['kind'] }> = {
  'real-fraction': { scheme: 'mix', kind: 'mix' },
  'synthetic-ratio': { scheme: 'augment', kind: 'augment' },
  'fresh-size': { scheme: 'fresh', kind: 'fresh' },
};

/**
 * Library options whose flag is not their kebab-case (learningRate -> --lr): with the parser's own
 * flags, how this CLI names every option in the library's messages (flagNamer).
 */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  learningRate: 'lr',
  wasmThreads: 'threads',
  schemes: 'scheme',
  runDir: 'out',
  classifierDir: 'classifier-dir',
  'analysis.classifierDir': 'classifier-dir',
};

/** Declares the shared flags, with the defaults of this family and dataset. None has a yargs default: absent flags stay undefined, so presets and explicit flags can be told apart. */
export function experimentFlags(argv: Argv, family: Family, dataset: Dataset) {
  const d = DATASETS[dataset];
  const presets = Object.entries(d.presets).map(([name, p]) => `${name}: ${describe(p)}`).join('; ');
  const parser = argv
    .option('config', configOption())
    .option('preset', { choices: Object.keys(d.presets) as PresetName[], describe: `${presets} (default: none, the defaults below)` })
    .option('scheme', listOption('scheme', { describe: 'schemes to train, one run directory each', choices: SCHEME_NAMES, default: DEFAULTS.scheme }))
    .option('real-fraction', numberOption('real-fraction', { describe: 'share of real data kept each generation, for --scheme mix (required there)', min: 0, max: 1 }))
    .option(
      'synthetic-ratio',
      numberOption('synthetic-ratio', { describe: 'synthetic images per real image beside the whole fixed real set, for --scheme augment (required there)', min: 0 }),
    )
    .option('fresh-size', intOption('fresh-size', { describe: 'new real images per generation after the first, for --scheme fresh (never used before in the run: MNIST training images after the first --train-size)', default: 'the fresh-N of --scheme, else required', min: 1 }))
    .option('generations', intOption('generations', { describe: 'generations, the first on real data', default: DEFAULTS.generations, min: 1 }))
    .option('epochs', intOption('epochs', { describe: 'epochs per generation', default: DEFAULTS.epochs, min: 1 }))
    .option('train-size', intOption('train-size', { describe: 'real training images used, the first N', default: d.sizeHelp.train, min: 1, max: d.trainSize }))
    .option('test-size', intOption('test-size', { describe: 'real test images used, the first N', default: d.sizeHelp.test, min: 1, max: d.testSize }))
    .option('synthetic-size', intOption('synthetic-size', { describe: 'images sampled per generation', default: 'the training size', min: 1 }))
    .option('batch-size', intOption('batch-size', { describe: 'images per step', default: DEFAULTS.batchSize, min: 1 }))
    .option('lr', numberOption('lr', { describe: 'Adam learning rate', default: DEFAULTS.lr, above: 0 }))
    .option('latent-dim', intOption('latent-dim', { describe: 'latent dimension', default: d.latentDim, min: 1 }))
    .option('arch', { choices: ['dense', 'conv'], describe: withDefault('dense layers, or strided convolutions sized by the image (models/conv-vae.ts)', d.arch) })
    .option('hidden', numberListOption('hidden', { describe: 'hidden layer sizes of --arch dense', default: DEFAULTS.hidden.join(','), spec: { integer: true, above: 0 }, example: '400 or 512,256' }))
    .option('sampling', { choices: SAMPLING[family].choices, describe: withDefault('how synthetic images are drawn', SAMPLING[family].default) })
    .option('sampling-temperature', numberOption('sampling-temperature', { describe: 'λ: latent draws scaled by λ, z ~ N(0, λ²I) for a VAE, the fitted latent covariance times λ² for an AE; below 1 less diverse', default: 1, above: 0 }))
    .option('warm-start', { type: 'boolean', describe: withDefault('start each generation from the previous weights', false) })
    .option('seed', intOption('seed', { describe: 'seed of every random draw', default: DEFAULTS.seed, min: 0 }))
    .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
    .option('threads', intOption('threads', { describe: 'threads of the wasm backend (same losses as 1; pays with idle cores)', default: DEFAULTS.threads, min: 1 }))
    .option('out', { type: 'string', describe: withDefault('output root; one run directory per scheme under it', `checkpoints/${family}-${dataset}[-<preset>]`) })
    .option('resume', { type: 'boolean', describe: withDefault('continue the runs in --out after their last complete generation; starts them if absent', false) })
    .option('force', { type: 'boolean', describe: withDefault('replace runs already in --out', false) })
    .option('json', { type: 'boolean', describe: withDefault('print one GenerationRecord per line on stdout', false) })
    .option('jobs', intOption('jobs', { describe: 'schemes trained at once, one process each', default: 'one per scheme up to the CPU cores on wasm/cpu; 1 on tensorflow', min: 1 }));
  // Other datasets accept --no-metrics (what they do anyway), so one command line can serve every script; --metrics is refused (resolveFlags).
  if (!d.metrics) return parser.option('metrics', { type: 'boolean', describe: withDefault(`collapse metrics: MNIST only (their classifier is an MNIST one), so none for ${d.name}; --metrics is refused`, false) });
  return parser
    .option('metrics', { type: 'boolean', describe: withDefault('collapse metrics per generation (FID, precision/recall, class entropy, latent std; trains a classifier once); --no-metrics skips them', true) })
    .option('classifier-dir', { type: 'string', describe: withDefault("folder of the metrics' MNIST classifier, trained there on first use", defaultClassifierDir()) });
}

function describe(p: Record<string, number>): string {
  return Object.entries(p)
    .map(([k, v]) => `${kebab(k)} ${v}`)
    .join(', ');
}

/** The flags as parseFlags returns them (kebab-case keys; numbers already checked). */
export type RawFlags = Partial<Record<string, unknown>> & { preset?: PresetName };

export interface ExperimentFlags {
  schemes: Scheme[];
  generations: number;
  epochs: number;
  /** Real training images; undefined: all the dataset has (CelebA). */
  trainSize?: number;
  /** Real test images; undefined: all the dataset has (CelebA). */
  testSize?: number;
  syntheticSize?: number;
  batchSize: number;
  lr: number;
  latentDim: number;
  arch: 'dense' | 'conv';
  hidden: number[];
  sampling: string;
  samplingTemperature: number;
  warmStart: boolean;
  seed: number;
  backend: BackendChoice;
  threads: number;
  out: string;
  resume: boolean;
  force: boolean;
  json: boolean;
  /** Schemes at once; undefined: decided by the backend (defaultJobs). */
  jobs?: number;
  metrics: boolean;
  /** The metrics classifier's folder (absolute); undefined: the library's default (defaultClassifierDir). */
  classifierDir?: string;
}

/**
 * Merges defaults < preset < explicit flags, and refuses flags that would be silently ignored
 * (one sentence each). Each value was checked on its own by the parser.
 */
export function resolveFlags(raw: RawFlags, family: Family, dataset: Dataset): ExperimentFlags {
  const d = DATASETS[dataset];
  const preset: Preset = raw.preset ? d.presets[raw.preset] : {};
  const pick = <T>(flag: string, key: keyof Preset | null, fallback: T): T => (raw[flag] ?? (key ? preset[key] : undefined) ?? fallback) as T;
  const realFraction = raw['real-fraction'] as number | undefined;
  const schemeList = pick<string[]>('scheme', null, DEFAULTS.scheme);
  const freshSize = raw['fresh-size'] as number | undefined;
  const syntheticRatio = raw['synthetic-ratio'] as number | undefined;
  const schemes = schemeList.map((s) => parseScheme(s, { realFraction, freshSize, syntheticRatio }));
  schemeNames(schemes);
  for (const [flag, { scheme, kind }] of Object.entries(SCHEME_PARAMETERS)) {
    if (raw[flag] !== undefined && !schemes.some((s) => s.kind === kind)) {
      throw new FlagError(`--${flag} ${raw[flag]} applies to --scheme ${scheme} only, which --scheme ${schemeList.join(',')}${raw.scheme ? '' : ' (the default)'} does not list; expected ${scheme} among the schemes, or no --${flag}.`, flag);
    }
  }
  // Here, not in the loader: sweeps check their tasks' flags without loading any data.
  if (!d.freshPool && schemes.some((s) => s.kind === 'fresh')) {
    throw new FlagError(`--scheme fresh is not available for ${d.name}: ${family}-${dataset} gives it no pool of unused real images; expected replace, accumulate, sub, sub-repl or mix.`, 'scheme');
  }
  const arch = pick<'dense' | 'conv'>('arch', null, d.arch);
  if (raw.hidden !== undefined && arch !== 'dense') {
    throw new FlagError(`--hidden ${(raw.hidden as number[]).join(',')} sets the layers of --arch dense, but the architecture is ${arch}${raw.arch ? '' : ` (the ${d.name} default)`}, whose layers follow from the image size; expected --arch dense with --hidden, or no --hidden.`, 'hidden');
  }
  if (!d.metrics && raw.metrics === true) {
    throw new FlagError(`--metrics asks for the collapse metrics, which are MNIST-only (their classifier is an MNIST one); expected no --metrics for ${d.name}, whose runs get grids and losses.`, 'metrics');
  }
  const classifierDir = raw['classifier-dir'] as string | undefined;
  if (classifierDir === '') throw new FlagError("--classifier-dir '' is empty; expected a folder for the metrics classifier.", 'classifier-dir');
  return {
    schemes,
    generations: pick('generations', 'generations', DEFAULTS.generations),
    epochs: pick('epochs', 'epochs', DEFAULTS.epochs),
    trainSize: pick('train-size', 'trainSize', d.trainSize),
    testSize: pick('test-size', 'testSize', d.testSize),
    syntheticSize: pick('synthetic-size', null, undefined),
    batchSize: pick('batch-size', null, DEFAULTS.batchSize),
    lr: pick('lr', null, DEFAULTS.lr),
    latentDim: pick('latent-dim', null, d.latentDim),
    arch,
    hidden: pick('hidden', null, DEFAULTS.hidden),
    sampling: pick('sampling', null, SAMPLING[family].default),
    samplingTemperature: pick('sampling-temperature', null, 1),
    warmStart: raw['warm-start'] === true,
    seed: pick('seed', null, DEFAULTS.seed),
    backend: pick('backend', null, DEFAULTS.backend),
    threads: pick('threads', null, DEFAULTS.threads),
    out: pick('out', null, `checkpoints/${family}-${dataset}${raw.preset ? `-${raw.preset}` : ''}`),
    resume: raw.resume === true,
    force: raw.force === true,
    json: raw.json === true,
    jobs: pick('jobs', null, undefined),
    metrics: d.metrics && raw.metrics !== false,
    // Absolute, so that worker processes and sweep tasks find the same folder whatever their working directory.
    classifierDir: classifierDir === undefined ? undefined : resolvePath(classifierDir),
  };
}

/** The dense model factory the flags describe. */
export function denseFactory(family: Family, f: ExperimentFlags, imageShape: readonly [number, number, number]): ModelFactory {
  return family === 'vae'
    ? (init) => createVae({ imageShape, hidden: f.hidden, latentDim: f.latentDim, sampling: f.sampling as VaeOptions['sampling'], samplingTemperature: f.samplingTemperature, seed: init.seed })
    : (init) => createAutoencoder({ imageShape, hidden: f.hidden, latentDim: f.latentDim, sampling: f.sampling as AutoencoderOptions['sampling'], samplingTemperature: f.samplingTemperature, seed: init.seed });
}

/** The model factory the flags describe: --arch picks the dense or the convolutional family. */
export function modelFactory(family: Family, f: ExperimentFlags, imageShape: readonly [number, number, number]): ModelFactory {
  if (f.arch === 'dense') return denseFactory(family, f, imageShape);
  const shape: [number, number, number] = [imageShape[0], imageShape[1], imageShape[2]];
  return family === 'vae'
    ? (init) => createConvVae({ imageShape: shape, latentDim: f.latentDim, sampling: f.sampling as VaeOptions['sampling'], samplingTemperature: f.samplingTemperature, seed: init.seed })
    : (init) => createConvAutoencoder({ imageShape: shape, latentDim: f.latentDim, sampling: f.sampling as AutoencoderOptions['sampling'], samplingTemperature: f.samplingTemperature, seed: init.seed });
}

export interface MainSpec {
  /** The script's name, e.g. 'vae-mnist' (scripts/<name>.ts). */
  name: string;
  family: Family;
  dataset: Dataset;
  /** Loads the real data for the resolved flags (with the fresh scheme's pool when a scheme is 'fresh'). */
  load: (f: ExperimentFlags, raw: RawFlags) => Promise<{ train: ImageSource; test: ImageSource; freshPool?: ImageSource; config: Record<string, unknown> }>;
  model: (f: ExperimentFlags, shape: readonly [number, number, number]) => ModelFactory;
  /** More flags a script adds. */
  extend?: (argv: Argv) => Argv;
  /** Extra experiment options from the parsed flags (e.g. an analysis). */
  extra?: (raw: RawFlags, f: ExperimentFlags) => Partial<ExperimentOptions>;
}

/** The flag parser of one experiment CLI (its flags, usage line and help). */
export function experimentParser(spec: MainSpec, args: readonly string[] = []) {
  let parser = trackingFlags(experimentFlags(yargs([...args]), spec.family, spec.dataset));
  if (spec.extend) parser = spec.extend(parser) as typeof parser;
  return parser.usage(usage(spec.name, `Trains ${FAMILY_NAMES[spec.family]} on ${DATASETS[spec.dataset].name} generation after generation under each scheme.`)).help();
}

/** How this CLI names the library's options in messages (its flags; learningRate -> --lr). */
function namer(spec: MainSpec) {
  return flagNamer(flagNames(experimentParser(spec)), OPTION_FLAGS);
}

/**
 * Parses and checks an experiment CLI's flags without running anything (for sweeps, which validate
 * every task before one starts). Throws one sentence naming the flag on bad flags; writes nothing.
 */
export async function parseExperimentArgs(spec: MainSpec, args: readonly string[]): Promise<{ raw: RawFlags; flags: ExperimentFlags }> {
  try {
    const raw = (await parseFlags(experimentParser(spec, args).exitProcess(false), args)) as RawFlags;
    return { raw, flags: resolveFlags(raw, spec.family, spec.dataset) };
  } catch (err) {
    throw new FlagError(flagMessage(err, namer(spec)));
  }
}

/** The experiment options the flags describe (everything runExperiment needs but the signal and the provenance). */
export async function experimentOptions(spec: MainSpec, args: readonly string[], f: ExperimentFlags, raw: RawFlags): Promise<ExperimentOptions> {
  const data = await spec.load(f, raw);
  return {
    model: spec.model(f, data.train.shape),
    data,
    schemes: f.schemes,
    generations: f.generations,
    epochs: f.epochs,
    batchSize: f.batchSize,
    learningRate: f.lr,
    syntheticSize: f.syntheticSize,
    seed: f.seed,
    warmStart: f.warmStart,
    backend: f.backend,
    wasmThreads: f.threads,
    out: f.out,
    resume: f.resume,
    force: f.force,
    json: f.json,
    jobs: f.jobs,
    // Worker processes rebuild the model and the data from the same flags (scripts/experiments.ts).
    workerSetup: { module: pathToFileURL(scriptFile('experiments')).href, export: 'workerSetup', args: { name: spec.name, args: [...args] } } satisfies WorkerSetup,
    // Grids always; the metrics' classifier is an MNIST one. The report is written at the end.
    analysis: { metrics: f.metrics, ...(f.classifierDir ? { classifierDir: f.classifierDir } : {}) },
    report: true,
    config: data.config,
    ...trackingOptions(raw),
    ...spec.extra?.(raw, f),
  };
}

/**
 * Parses argv, runs the experiment, prints the table. Ctrl-C stops after the current batch, writes
 * nothing half-done, and prints the command that resumes; a second Ctrl-C exits at once.
 */
export async function main(spec: MainSpec, argv = process.argv): Promise<void> {
  const script = argv[1]?.replace(process.cwd() + '/', '') ?? `scripts/${spec.name}.ts`;
  const args = hideBin(argv);
  const fail = (err: unknown): never => exitWithError(flagMessage(err, namer(spec)));
  const raw = (await parseFlags(experimentParser(spec, args), args).catch(fail)) as RawFlags;
  const signal = stopOnSignals();
  try {
    const flags = resolveFlags(raw, spec.family, spec.dataset);
    // Recorded in each new run's run.json (the command line, the --config file, the commit); never compared on resume.
    const provenance = await describeProvenance({ argv: receivedArgv(), configFile: configFileOf(raw) });
    const result = await runExperiment({ ...(await experimentOptions(spec, args, flags, raw)), provenance, signal });
    const table = formatLossTable(result.runs);
    (flags.json ? process.stderr : process.stdout).write(`\n${spec.family.toUpperCase()} on ${DATASETS[spec.dataset].name}, loss per image in nats (${result.backend.name} backend):\n${table}\nRun directories:\n${result.runs.map((r) => `  ${r.dir}`).join('\n')}\n${result.report ? `Report: ${result.report}\n` : ''}`);
  } catch (err) {
    if ((err as Error).name === 'AbortError') {
      // A --config file that sets force would clash with the --resume the command adds.
      const fileForce = configFileOf(raw)?.flags.force === true;
      process.stderr.write(`Stopped; every complete generation and epoch is saved. Resume with:\n  ${resumeCommand(rerunWords(spec.name, script), args, fileForce ? ['--no-force'] : [])}\n`);
      process.exit(130);
    }
    fail(err);
  }
}

/** The command that continues a stopped run: the same command and flags, --force dropped, --resume (and `extra`) added, quoted for a POSIX shell. */
export function resumeCommand(command: readonly string[], args: readonly string[], extra: readonly string[] = []): string {
  const dropped = (a: string | undefined) => a !== undefined && /^--(no-)?(resume|force)(=.*)?$/.test(a);
  // `--force true` is one flag in two words: its value goes with it.
  const kept = args.filter((a, i) => !dropped(a) && !((a === 'true' || a === 'false') && dropped(args[i - 1]) && !args[i - 1].includes('=')));
  return [...command, ...kept, '--resume', ...extra].map(typed).join(' ');
}

/**
 * The signal a training CLI passes to the library: the first Ctrl-C (or SIGTERM, or the end of the
 * npx / tsx wrapper that started this process) stops after the current batch; a second exits at once.
 */
export function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  let stopping = false;
  const stop = (why: string, note: string) => {
    stopping = true;
    process.stderr.write(`\n${note}: stopping after the current batch (press Ctrl-C again to exit at once)...\n`);
    controller.abort(Object.assign(new Error(`Stopped by ${why}.`), { name: 'AbortError' }));
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stopping ? process.exit(130) : stop(sig, sig)));
  // A signal sent to the npx / tsx wrapper alone never reaches this process: its end stops the run the same way.
  watchWrappers((w) => stopping || stop(`the end of ${w.name}`, `${w.name} (process ${w.pid}), which started this process, has ended`));
  return controller.signal;
}
