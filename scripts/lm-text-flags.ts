/**
 * The flags of scripts/lm-text.ts under the project's convention (scripts/flags.ts): no yargs
 * defaults (absent flags stay undefined, so presets and explicit flags can be told apart), help
 * strings that state defaults, presets that override only what differs, and the experiment options
 * the flags describe.
 */
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { BACKEND_CHOICES, GPT_DEFAULTS, parseScheme, SCHEME_NAMES, schemeNames, TEXT_CORPORA } from '../lib/declaration.ts';
import type { TextCorpus } from '../lib/declaration.ts';
import type { BackendChoice, TextExperimentOptions, TextScheme } from '../lib/index.ts';
import { configOption, FlagError, intOption, listOption, numberOption, usage, withDefault } from './flags.ts';

export type TextPresetName = 'quick' | 'paper';

/** The defaults without a preset: the quick preset's model, trained for 3 epochs over the whole training text. */
const DEFAULTS = {
  scheme: ['replace', 'accumulate'],
  generations: 5,
  epochs: 3,
  corpus: 'moby-dick' as TextCorpus,
  block: GPT_DEFAULTS.block,
  nLayer: GPT_DEFAULTS.nLayer,
  nHead: GPT_DEFAULTS.nHead,
  nEmbd: GPT_DEFAULTS.nEmbd,
  batchSize: 32,
  lr: 1e-3,
  streams: GPT_DEFAULTS.streams,
  samplingTemperature: GPT_DEFAULTS.samplingTemperature,
  seed: 0,
  backend: 'auto' as BackendChoice,
};

type Preset = Partial<Record<'generations' | 'epochs' | 'steps' | 'trainChars' | 'block' | 'nLayer' | 'nHead' | 'nEmbd' | 'batchSize', number>>;

export const TEXT_PRESETS: Record<TextPresetName, Preset> = {
  /** replace and accumulate side by side on a 2-core CPU in under 20 minutes: 300 Adam steps per generation on 100,000 characters. */
  quick: { generations: 5, epochs: 3, steps: 300, trainChars: 100000 },
  /** A model for a GPU (nanoGPT's shakespeare-char, narrower): 6 layers, 6 heads, 192 wide, block 128, the whole training text. */
  paper: { generations: 5, epochs: 10, steps: 5000, nLayer: 6, nHead: 6, nEmbd: 192, block: 128, batchSize: 64 },
};

/** Library options whose flag is not their kebab-case. */
export const TEXT_OPTION_FLAGS: Readonly<Record<string, string>> = {
  learningRate: 'lr',
  schemes: 'scheme',
  runDir: 'out',
  file: 'text-file',
  syntheticChars: 'synthetic-chars',
};

export function textParser(args: readonly string[] = []) {
  const presets = Object.entries(TEXT_PRESETS).map(([name, p]) => `${name}: ${Object.entries(p).map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v}`).join(', ')}`).join('; ');
  return yargs([...args])
    .usage(usage('lm-text', 'Trains a character-level GPT on text generation after generation under each scheme.'))
    .option('config', configOption())
    .option('preset', { choices: Object.keys(TEXT_PRESETS) as TextPresetName[], describe: `${presets} (default: none, the defaults below)` })
    .option('scheme', listOption('scheme', { describe: 'schemes to train, one run directory each', choices: SCHEME_NAMES, default: DEFAULTS.scheme }))
    .option('real-fraction', numberOption('real-fraction', { describe: 'share of real windows kept each generation, for --scheme mix (required there; Shumailov et al. keep 0.1)', min: 0, max: 1 }))
    .option('fresh-size', intOption('fresh-size', { describe: 'new real windows per generation after the first, for --scheme fresh (from the training text after the first --train-chars)', default: '10% of the training windows', min: 1 }))
    .option('corpus', { choices: TEXT_CORPORA as unknown as TextCorpus[], describe: withDefault('text shipped with npm: Moby Dick or the State of the Union addresses', DEFAULTS.corpus) })
    .option('text-file', { type: 'string', describe: 'a UTF-8 text file of your own instead of --corpus (at most 256 distinct characters)' })
    .option('train-chars', intOption('train-chars', { describe: 'characters of training text used, the first N of the first 90%', default: 'all of it', min: 1 }))
    .option('synthetic-chars', intOption('synthetic-chars', { describe: 'characters sampled per generation', default: 'the training characters', min: 1 }))
    .option('generations', intOption('generations', { describe: 'generations, the first on real text', default: DEFAULTS.generations, min: 1 }))
    .option('epochs', intOption('epochs', { describe: 'passes over the training windows per generation; with --steps, checkpoints splitting the steps', default: DEFAULTS.epochs, min: 1 }))
    .option('steps', intOption('steps', { describe: 'Adam steps per generation, windows drawn from the whole training set (instead of epochs)', default: 'none', min: 1 }))
    .option('block', intOption('block', { describe: 'characters of context', default: DEFAULTS.block, min: 1 }))
    .option('n-layer', intOption('n-layer', { describe: 'transformer blocks', default: DEFAULTS.nLayer, min: 1 }))
    .option('n-head', intOption('n-head', { describe: 'attention heads (divides --n-embd)', default: DEFAULTS.nHead, min: 1 }))
    .option('n-embd', intOption('n-embd', { describe: 'width of the residual stream', default: DEFAULTS.nEmbd, min: 1 }))
    .option('batch-size', intOption('batch-size', { describe: 'windows per step', default: DEFAULTS.batchSize, min: 1 }))
    .option('lr', numberOption('lr', { describe: 'Adam learning rate (betas 0.9, 0.99)', default: DEFAULTS.lr, above: 0 }))
    .option('streams', intOption('streams', { describe: 'texts sampled at once, each from a newline', default: DEFAULTS.streams, min: 1 }))
    .option('sampling-temperature', numberOption('sampling-temperature', { describe: 'logits divided by it before the softmax', default: DEFAULTS.samplingTemperature, above: 0 }))
    .option('top-k', intOption('top-k', { describe: 'sample among the k most likely characters', default: 'all (the full softmax)', min: 1 }))
    .option('warm-start', { type: 'boolean', describe: withDefault('start each generation from the previous weights', false) })
    .option('seed', intOption('seed', { describe: 'seed of every random draw', default: DEFAULTS.seed, min: 0 }))
    .option('backend', { choices: BACKEND_CHOICES as BackendChoice[], describe: withDefault('tfjs backend', DEFAULTS.backend) })
    .option('out', { type: 'string', describe: withDefault('output root; one run directory per scheme under it', 'checkpoints/lm-text[-<preset>]') })
    .option('resume', { type: 'boolean', describe: withDefault('continue the runs in --out after their last complete generation; starts them if absent', false) })
    .option('force', { type: 'boolean', describe: withDefault('replace runs already in --out', false) })
    .option('json', { type: 'boolean', describe: withDefault('print one GenerationRecord per line on stdout', false) })
    .option('jobs', intOption('jobs', { describe: 'schemes trained at once, one process each', default: 'one per scheme up to the CPU cores on wasm/cpu; 1 on tensorflow', min: 1 }))
    .help() as Argv<Record<string, unknown>>;
}

/** The flags as parseFlags returns them (kebab-case keys; each value checked by its flag). */
export type RawTextFlags = Partial<Record<string, unknown>> & { preset?: TextPresetName };

/**
 * Merges defaults < preset < explicit flags into the experiment's options (without the signal and
 * the provenance), refusing flags that would be silently ignored; one sentence each.
 */
export function textOptions(raw: RawTextFlags): TextExperimentOptions {
  const preset: Preset = raw.preset ? TEXT_PRESETS[raw.preset] : {};
  const pick = <T>(flag: string, key: keyof Preset | null, fallback: T): T => (raw[flag] ?? (key ? preset[key] : undefined) ?? fallback) as T;
  const schemeList = pick<string[]>('scheme', null, DEFAULTS.scheme);
  const realFraction = raw['real-fraction'] as number | undefined;
  for (const [flag, scheme] of [['real-fraction', 'mix'], ['fresh-size', 'fresh']] as const) {
    if (raw[flag] !== undefined && !schemeList.includes(scheme)) {
      throw new FlagError(`--${flag} ${raw[flag]} applies to --scheme ${scheme} only, which --scheme ${schemeList.join(',')}${raw.scheme ? '' : ' (the default)'} does not list; expected ${scheme} among the schemes, or no --${flag}.`, flag);
    }
  }
  if (raw['text-file'] !== undefined && raw.corpus !== undefined) {
    throw new FlagError(`--text-file ${raw['text-file']} and --corpus ${raw.corpus} both name the text; expected one of them.`, 'text-file');
  }
  if (raw['text-file'] === '') throw new FlagError("--text-file '' is empty; expected the path of a UTF-8 text file.", 'text-file');
  const block = pick('block', 'block', DEFAULTS.block);
  const trainChars = pick<number | undefined>('train-chars', 'trainChars', undefined);
  const freshSize = raw['fresh-size'] as number | undefined;
  // Without --fresh-size, runTextExperiment gives 'fresh' 10% of the training windows once the text is read.
  const schemes: TextScheme[] = schemeList.map((s) => (s === 'fresh' && freshSize === undefined ? { kind: 'fresh' } : parseScheme(s, { realFraction, freshSize })));
  schemeNames(schemes.map((s) => (s.kind === 'fresh' ? { kind: 'fresh', freshSize: s.freshSize ?? 1 } : s)));
  const file = raw['text-file'] as string | undefined;
  return {
    text: { ...(file !== undefined ? { file } : { corpus: pick('corpus', null, DEFAULTS.corpus) }), block, trainChars },
    gpt: {
      nLayer: pick('n-layer', 'nLayer', DEFAULTS.nLayer),
      nHead: pick('n-head', 'nHead', DEFAULTS.nHead),
      nEmbd: pick('n-embd', 'nEmbd', DEFAULTS.nEmbd),
      streams: pick('streams', null, DEFAULTS.streams),
      samplingTemperature: pick('sampling-temperature', null, DEFAULTS.samplingTemperature),
      topK: pick<number | undefined>('top-k', null, undefined),
    },
    schemes,
    syntheticChars: pick<number | undefined>('synthetic-chars', null, undefined),
    generations: pick('generations', 'generations', DEFAULTS.generations),
    epochs: pick('epochs', 'epochs', DEFAULTS.epochs),
    steps: pick<number | undefined>('steps', 'steps', undefined),
    batchSize: pick('batch-size', 'batchSize', DEFAULTS.batchSize),
    learningRate: pick('lr', null, DEFAULTS.lr),
    warmStart: raw['warm-start'] === true,
    seed: pick('seed', null, DEFAULTS.seed),
    backend: pick('backend', null, DEFAULTS.backend),
    out: pick('out', null, `checkpoints/lm-text${raw.preset ? `-${raw.preset}` : ''}`),
    resume: raw.resume === true,
    force: raw.force === true,
    json: raw.json === true,
    jobs: pick<number | undefined>('jobs', null, undefined),
    report: true,
  };
}
