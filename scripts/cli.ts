/**
 * What the image-experiment CLIs share: their flags, presets, the model factory they describe, and
 * the main routine (graceful stop, errors as one sentence, the closing table). Each script only
 * names its model family and dataset.
 */
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
  formatLossTable,
  GENERATION_DEFAULTS,
  OptionError,
  parseScheme,
  schemeNames,
  runExperiment,
  SCHEME_NAMES,
  watchWrappers,
} from '../lib/index.ts';
import type { AutoencoderOptions, BackendChoice, ExperimentOptions, ImageSource, ModelFactory, Scheme, VaeOptions, WorkerSetup } from '../lib/index.ts';
import { rerunWords, scriptFile, usageLine } from './invocation.ts';

export type Family = 'vae' | 'ae';

const FAMILY_NAMES: Record<Family, string> = { vae: 'a VAE', ae: 'an autoencoder' };
const datasetName = (d: string) => ({ mnist: 'MNIST', celeba: 'CelebA' })[d] ?? d;

/** Presets override only what differs from the defaults (the survey's full experiment). */
export const PRESETS = {
  /** Small enough for a 2-core CPU in a few minutes, large enough to show collapse. */
  quick: { generations: 5, epochs: 5, trainSize: 10000, testSize: 10000 },
  /** The survey's MNIST experiment: 7 generations x 10 epochs on all 60,000 training images. */
  paper: { generations: 7, epochs: 10, trainSize: 60000, testSize: 10000 },
} as const;
export type PresetName = keyof typeof PRESETS;

const DEFAULTS = {
  scheme: 'replace,accumulate',
  generations: GENERATION_DEFAULTS.generations,
  epochs: GENERATION_DEFAULTS.epochs,
  trainSize: 60000,
  testSize: 10000,
  batchSize: GENERATION_DEFAULTS.batchSize,
  lr: GENERATION_DEFAULTS.learningRate,
  latentDim: 20,
  hidden: '400',
  seed: GENERATION_DEFAULTS.seed,
  backend: 'auto' as BackendChoice,
};

const SAMPLING: Record<Family, { choices: string[]; default: string }> = {
  vae: { choices: ['mean', 'bernoulli', 'threshold'], default: 'mean' },
  ae: { choices: ['latent-gaussian', 'reconstruct', 'bernoulli', 'threshold'], default: 'latent-gaussian' },
};

/** Declares the shared flags. Flags a preset sets have no yargs default, so explicit ones win. */
export function experimentFlags(argv: Argv, family: Family, dataset: string) {
  return argv
    .option('preset', { choices: Object.keys(PRESETS) as PresetName[], describe: `quick: ${describe(PRESETS.quick)}; paper: ${describe(PRESETS.paper)}` })
    .option('scheme', { type: 'string', describe: `one scheme or a comma list of ${SCHEME_NAMES.join(', ')} (default: ${DEFAULTS.scheme})` })
    .option('real-fraction', { type: 'number', describe: 'share of real data kept each generation, for --scheme mix (0 to 1)' })
    .option('fresh-size', { type: 'number', describe: 'new real images per generation after the first, for --scheme fresh (never used before in the run: MNIST training images after the first --train-size)' })
    .option('generations', { type: 'number', describe: `generations, the first on real data (default: ${DEFAULTS.generations})` })
    .option('epochs', { type: 'number', describe: `epochs per generation (default: ${DEFAULTS.epochs})` })
    .option('train-size', { type: 'number', describe: `real training images used (default: ${DEFAULTS.trainSize})` })
    .option('test-size', { type: 'number', describe: `real test images used (default: ${DEFAULTS.testSize})` })
    .option('synthetic-size', { type: 'number', describe: 'images sampled per generation (default: the training size)' })
    .option('batch-size', { type: 'number', describe: `images per step (default: ${DEFAULTS.batchSize})` })
    .option('lr', { type: 'number', describe: `Adam learning rate (default: ${DEFAULTS.lr})` })
    .option('latent-dim', { type: 'number', describe: `latent dimension (default: ${DEFAULTS.latentDim}; 128 for CelebA)` })
    .option('arch', { choices: ['dense', 'conv'], describe: 'dense layers, or strided convolutions (models/conv-vae.ts) (default: dense for MNIST, conv for CelebA)' })
    .option('hidden', { type: 'string', describe: `hidden layer sizes of the dense arch, comma list (default: ${DEFAULTS.hidden})` })
    .option('sampling', { choices: SAMPLING[family].choices, describe: `how synthetic images are drawn (default: ${SAMPLING[family].default})` })
    .option('sampling-temperature', { type: 'number', describe: 'λ: latent draws scaled by λ, z ~ N(0, λ²I) for a VAE, the fitted latent covariance times λ² for an AE; below 1 less diverse (default: 1)' })
    .option('warm-start', { type: 'boolean', describe: 'start each generation from the previous weights (default: false)' })
    .option('seed', { type: 'number', describe: `seed of every random draw (default: ${DEFAULTS.seed})` })
    .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: `tfjs backend (default: ${DEFAULTS.backend})` })
    .option('out', { type: 'string', describe: `output root; one run directory per scheme under it (default: checkpoints/${family}-${dataset}[-<preset>])` })
    .option('resume', { type: 'boolean', describe: 'continue the runs in --out after their last complete generation; starts them if absent (default: false)' })
    .option('force', { type: 'boolean', describe: 'replace runs already in --out (default: false)' })
    .option('json', { type: 'boolean', describe: 'print one GenerationRecord per line on stdout (default: false)' })
    .option('jobs', { type: 'number', describe: 'schemes trained at once, one process each (default: one per scheme up to the CPU cores on wasm/cpu; 1 on tensorflow)' })
    .option('metrics', { type: 'boolean', describe: 'collapse metrics per generation (FID, precision/recall, class entropy, latent std; MNIST only, trains a classifier once); --no-metrics skips them (default: true)' });
}

function describe(p: Record<string, number>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export type RawFlags = Partial<Record<string, unknown>> & { preset?: PresetName };

export interface ExperimentFlags {
  schemes: Scheme[];
  generations: number;
  epochs: number;
  trainSize: number;
  testSize: number;
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
  out: string;
  resume: boolean;
  force: boolean;
  json: boolean;
  /** Schemes at once; undefined: decided by the backend (defaultJobs). */
  jobs?: number;
  metrics: boolean;
}

/** Merges defaults < preset < explicit flags and checks every value (one sentence per problem). */
export function resolveFlags(raw: RawFlags, family: Family, dataset: string): ExperimentFlags {
  const preset = raw.preset ? PRESETS[raw.preset] : {};
  const pick = <T>(flag: string, key: string, fallback: T): T => (raw[flag] ?? (preset as Record<string, unknown>)[key] ?? fallback) as T;
  const int = (flag: string, key: string, fallback: number | undefined, min = 1): number => {
    const v = pick<number | undefined>(flag, key, fallback);
    if (v === undefined) return v as unknown as number;
    if (!(Number.isInteger(v) && v >= min)) throw new Error(`--${flag} ${String(v)} is not valid; expected an integer of at least ${min}.`);
    return v;
  };
  const realFraction = raw['real-fraction'] as number | undefined;
  if (realFraction !== undefined && !(realFraction >= 0 && realFraction <= 1)) {
    throw new Error(`--real-fraction ${realFraction} is outside [0, 1]; expected a number from 0 to 1.`);
  }
  const schemeList = String(pick('scheme', 'scheme', DEFAULTS.scheme));
  const freshSize = raw['fresh-size'] as number | undefined;
  if (freshSize !== undefined && !(Number.isInteger(freshSize) && freshSize >= 1)) throw new Error(`--fresh-size ${freshSize} is not valid; expected a positive integer.`);
  const schemes = schemeList.split(',').map((s) => parseScheme(s.trim(), { realFraction, freshSize }));
  schemeNames(schemes);
  const samplingTemperature = pick<number>('sampling-temperature', 'samplingTemperature', 1);
  if (!(Number.isFinite(samplingTemperature) && samplingTemperature > 0)) throw new Error(`--sampling-temperature ${samplingTemperature} is not valid; expected a positive number.`);
  const lr = pick<number>('lr', 'lr', DEFAULTS.lr);
  if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`--lr ${lr} is not valid; expected a positive number.`);
  const hiddenText = String(pick('hidden', 'hidden', DEFAULTS.hidden));
  const hidden = hiddenText.split(',').map(Number);
  if (!hidden.every((h) => Number.isInteger(h) && h > 0)) throw new Error(`--hidden '${hiddenText}' is not valid; expected positive integers separated by commas, e.g. 400 or 512,256.`);
  return {
    schemes,
    generations: int('generations', 'generations', DEFAULTS.generations),
    epochs: int('epochs', 'epochs', DEFAULTS.epochs),
    trainSize: int('train-size', 'trainSize', DEFAULTS.trainSize),
    testSize: int('test-size', 'testSize', DEFAULTS.testSize),
    syntheticSize: int('synthetic-size', 'syntheticSize', undefined),
    batchSize: int('batch-size', 'batchSize', DEFAULTS.batchSize),
    lr,
    latentDim: int('latent-dim', 'latentDim', dataset === 'celeba' ? 128 : DEFAULTS.latentDim),
    arch: pick('arch', 'arch', dataset === 'celeba' ? 'conv' : 'dense'),
    hidden,
    sampling: pick('sampling', 'sampling', SAMPLING[family].default),
    samplingTemperature,
    warmStart: Boolean(raw['warm-start']),
    seed: int('seed', 'seed', DEFAULTS.seed, 0),
    backend: pick('backend', 'backend', DEFAULTS.backend),
    out: pick('out', 'out', `checkpoints/${family}-${dataset}${raw.preset ? `-${raw.preset}` : ''}`),
    resume: Boolean(raw.resume),
    force: Boolean(raw.force),
    json: Boolean(raw.json),
    jobs: int('jobs', 'jobs', undefined),
    metrics: raw.metrics !== false,
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
  dataset: string;
  /** Loads the real data for the resolved flags (with the fresh scheme's pool when a scheme is 'fresh'). */
  load: (f: ExperimentFlags, raw: RawFlags) => Promise<{ train: ImageSource; test: ImageSource; freshPool?: ImageSource; config: Record<string, unknown> }>;
  model: (f: ExperimentFlags, shape: readonly [number, number, number]) => ModelFactory;
  /** More flags a script adds. */
  extend?: (argv: Argv) => Argv;
  /** Extra experiment options from the parsed flags (e.g. an analysis). */
  extra?: (raw: RawFlags, f: ExperimentFlags) => Partial<ExperimentOptions>;
}

/** The flag parser of one experiment CLI (its flags, usage line and help). */
function experimentParser(spec: MainSpec, args: readonly string[]) {
  let parser = experimentFlags(yargs([...args]), spec.family, spec.dataset);
  if (spec.extend) parser = spec.extend(parser) as typeof parser;
  return parser
    .strict()
    // A flag given twice takes its last value, as in most CLIs.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .usage(`${usageLine(spec.name)}\n\nTrains ${FAMILY_NAMES[spec.family]} on ${datasetName(spec.dataset)} generation after generation under each scheme.`)
    .help();
}

/**
 * Parses and checks an experiment CLI's flags without running anything (for sweeps, which validate
 * every task before one starts). Throws one sentence on bad flags; writes nothing.
 */
export async function parseExperimentArgs(spec: MainSpec, args: readonly string[]): Promise<{ raw: RawFlags; flags: ExperimentFlags }> {
  const raw = (await experimentParser(spec, args)
    .exitProcess(false)
    .fail((msg, err) => {
      throw new Error(oneLine(msg ?? err?.message ?? 'Bad flags.'));
    })
    .parse()) as RawFlags;
  try {
    return { raw, flags: resolveFlags(raw, spec.family, spec.dataset) };
  } catch (err) {
    throw asFlagError(err);
  }
}

/** The experiment options the flags describe (everything runExperiment needs but the signal). */
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
    out: f.out,
    resume: f.resume,
    force: f.force,
    json: f.json,
    jobs: f.jobs,
    // Worker processes rebuild the model and the data from the same flags (scripts/experiments.ts).
    workerSetup: { module: pathToFileURL(scriptFile('experiments')).href, export: 'workerSetup', args: { name: spec.name, args: [...args] } } satisfies WorkerSetup,
    // Grids always; the metrics' classifier is an MNIST one. The report is written at the end.
    analysis: { metrics: f.metrics && spec.dataset === 'mnist' },
    report: true,
    config: data.config,
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
  const raw = (await experimentParser(spec, args)
    .fail((msg, err) => fail(msg ?? err?.message ?? 'Bad flags.'))
    .parse()) as RawFlags;
  const controller = new AbortController();
  let stopping = false;
  const stop = (why: string, note: string) => {
    stopping = true;
    process.stderr.write(`\n${note}: stopping after the current batch (press Ctrl-C again to exit at once)...\n`);
    controller.abort(Object.assign(new Error(`Stopped by ${why}.`), { name: 'AbortError' }));
  };
  const onSignal = (sig: string) => (stopping ? process.exit(130) : stop(sig, sig));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // A signal sent to the npx / tsx wrapper alone never reaches this process: its end stops the run the same way.
  watchWrappers((w) => stopping || stop(`the end of ${w.name}`, `${w.name} (process ${w.pid}), which started this process, has ended`));
  try {
    const flags = resolveFlags(raw, spec.family, spec.dataset);
    const result = await runExperiment({ ...(await experimentOptions(spec, args, flags, raw)), signal: controller.signal });
    const table = formatLossTable(result.runs);
    (flags.json ? process.stderr : process.stdout).write(`\n${spec.family.toUpperCase()} on ${datasetName(spec.dataset)}, loss per image in nats (${result.backend.name} backend):\n${table}\nRun directories:\n${result.runs.map((r) => `  ${r.dir}`).join('\n')}\n${result.report ? `Report: ${result.report}\n` : ''}`);
  } catch (err) {
    if ((err as Error).name === 'AbortError') {
      process.stderr.write(`Stopped; every complete generation and epoch is saved. Resume with:\n  ${resumeCommand(rerunWords(spec.name, script), args)}\n`);
      process.exit(130);
    }
    fail(asFlagError(err).message);
  }
}

/** Option names of the library that are not the kebab-case of their flag. */
const FLAG_OF: Record<string, string> = { learningRate: 'lr', schemes: 'scheme', runDir: 'out' };

/** An option of the library as the CLI's flag: learningRate -> --lr, force: true -> --force. */
export function flagName(option: string, value?: string): string {
  const flag = FLAG_OF[option] ?? option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (value === 'true') return `--${flag}`;
  if (value === 'false') return `--no-${flag}`;
  return value === undefined ? `--${flag}` : `--${flag} ${value}`;
}

/** A library error with its option names turned into this CLI's flags. */
function asFlagError(err: unknown): Error {
  return err instanceof OptionError ? new Error(err.render(flagName)) : (err as Error);
}

/** The command that continues a stopped run: the same command and flags, --force dropped, --resume added, quoted for a POSIX shell. */
export function resumeCommand(command: readonly string[], args: readonly string[]): string {
  const kept = args.filter((a) => !/^--(no-)?(resume|force)(=.*)?$/.test(a));
  return [...command, ...kept, '--resume'].map(shellQuote).join(' ');
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One line, always: yargs spreads its "Invalid values:" message over several. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

function fail(message: string): never {
  process.stderr.write(`Error: ${oneLine(message)}\n`);
  process.exit(1);
}
