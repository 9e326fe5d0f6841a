/**
 * The language-model family: a character GPT (models/gpt.ts, nanoGPT's layout) on real text
 * (data/text.ts: a corpus npm ships, or the user's file), examples being windows of block + 1
 * characters, with the text analysis (lib/text-analysis.ts: perplexity under generation 1's model,
 * distinct n-grams and words, sample text). The training text after the first trainChars is the
 * fresh scheme's pool.
 */
import { TEXT_CORPORA } from '../../data/text-corpora.ts';
import type { TextData } from '../../data/text.ts';
import { GPT_DEFAULTS } from '../../models/gpt-defaults.ts';
import type { GptModel } from '../../models/gpt.ts';
import type { ModelInit } from '../../models/types.ts';
import { choice, integer, positive, text } from '../declare.ts';
import type { ValuesOf } from '../declare.ts';
import { checkInteger, opt, OptionError, say } from '../options.ts';
import { formatTextTable } from './text-table.ts';
import type { Family, FamilyData } from './types.ts';

const TEXT_SETTINGS = {
  corpus: choice(TEXT_CORPORA, {
    help: 'text shipped with npm: Moby Dick or the State of the Union addresses',
    default: 'moby-dick',
  }),
  // Named as loadText names it, so that its errors name the flag.
  file: text({
    help: 'a UTF-8 text file of your own instead of --corpus (at most 256 distinct characters)',
    flag: 'text-file',
  }),
  trainChars: integer({
    help: 'characters of training text used, the first N of the first 90%',
    defaultHelp: 'all of it',
    min: 1,
  }),
  syntheticChars: integer({ help: 'characters sampled per generation', defaultHelp: 'the training characters', min: 1 }),
  block: integer({ help: 'characters of context', default: GPT_DEFAULTS.block, min: 1 }),
  nLayer: integer({ help: 'transformer blocks', default: GPT_DEFAULTS.nLayer, min: 1 }),
  nHead: integer({ help: 'attention heads (divides --n-embd)', default: GPT_DEFAULTS.nHead, min: 1 }),
  nEmbd: integer({ help: 'width of the residual stream', default: GPT_DEFAULTS.nEmbd, min: 1 }),
  streams: integer({ help: 'texts sampled at once, each from a newline', default: GPT_DEFAULTS.streams, min: 1 }),
  samplingTemperature: positive({
    help: 'logits divided by it before the softmax',
    default: GPT_DEFAULTS.samplingTemperature,
  }),
  topK: integer({ help: 'sample among the k most likely characters', defaultHelp: 'all (the full softmax)', min: 1 }),
  analysisBatchSize: integer({ help: 'windows per forward pass of the text analysis', default: 256, min: 1 }),
} as const;

type TextValues = ValuesOf<typeof TEXT_SETTINGS>;

/** The text's data, with the text itself (its vocabulary for the model, its words for the analysis). */
export interface TextFamilyData extends FamilyData {
  text: TextData;
}

/** Share of the training windows the fresh scheme adds per generation when no freshSize is given. */
export const DEFAULT_FRESH_SHARE = 0.1;

/** The fresh scheme's new real windows per generation when none is given: DEFAULT_FRESH_SHARE of the training ones. */
export function defaultFreshSize(trainWindows: number): number {
  return Math.max(1, Math.round(DEFAULT_FRESH_SHARE * trainWindows));
}

function checkText(v: TextValues, given: Readonly<Record<string, unknown>>): void {
  if (v.file === undefined || given.corpus === undefined) return;
  const sentence = say`${opt('file', v.file)} and ${opt('corpus', v.corpus)} both name the text; expected one of them.`;
  throw new OptionError('file', v.file, sentence);
}

async function readText(v: TextValues, rest: boolean): Promise<TextData> {
  const { loadText } = await import('../../data/text.ts');
  const source = v.file !== undefined ? { file: v.file } : { corpus: v.corpus };
  return loadText({ ...source, block: v.block, trainChars: v.trainChars, rest });
}

/** What run.json records of the text (its contents are in the data digests). */
function textConfig(text: TextData, v: TextValues): Record<string, unknown> {
  return {
    dataset: v.file !== undefined ? 'text-file' : text.source,
    ...(v.file !== undefined ? { textFile: text.source } : {}),
    vocabSize: text.vocab.length,
    trainChars: text.trainText.length,
    testChars: text.chars.test,
  };
}

export const TEXT_GPT = {
  name: 'text-gpt',
  title: 'GPT on text',
  summary: 'Trains a character-level GPT on text generation after generation under each scheme.',
  settings: TEXT_SETTINGS,
  presets: {
    // replace and accumulate side by side on a 2-core CPU in under 20 minutes: 300 Adam steps per
    // generation on 100,000 characters.
    quick: { generations: 5, epochs: 3, steps: 300, trainChars: 100000 },
    // A model for a GPU (nanoGPT's shakespeare-char, narrower): 6 layers, 6 heads, 192 wide, block
    // 128, the whole training text.
    paper: { generations: 5, epochs: 10, steps: 5000, nLayer: 6, nHead: 6, nEmbd: 192, block: 128, batchSize: 64 },
  },
  freshPool: true,
  // Without a preset: the quick preset's model, 3 epochs over the whole training text in batches of 32 windows.
  runSettings: {
    generations: { default: 5, help: 'generations, the first on real text' },
    epochs: {
      default: 3,
      help: 'passes over the training windows per generation; with --steps, checkpoints splitting the steps',
    },
    steps: {
      flag: 'steps',
      help: 'Adam steps per generation, windows drawn from the whole training set (instead of epochs)',
      defaultHelp: 'none',
    },
    // Synthetic text is counted in characters (syntheticChars); sample grids are for images.
    syntheticSize: { flag: false },
    sampleGrid: { flag: false },
    batchSize: { default: 32, help: 'windows per step' },
    learningRate: { help: 'Adam learning rate (betas 0.9, 0.99)' },
  },
  check: checkText,
  async load(v: TextValues, ctx) {
    const text = await readText(v, ctx.freshPool);
    const pool = text.rest ? { freshPool: text.rest } : {};
    return { train: text.train, test: text.test, ...pool, text, config: textConfig(text, v) };
  },
  async model(v: TextValues, data: TextFamilyData) {
    const { createGpt } = await import('../../models/gpt.ts');
    const { nLayer, nHead, nEmbd, streams, samplingTemperature, topK } = v;
    const block = data.train.shape[1] - 1;
    const gpt = { nLayer, nHead, nEmbd, streams, samplingTemperature, topK, vocab: data.text.vocab, block };
    return (init: ModelInit) => createGpt({ ...gpt, seed: init.seed });
  },
  async analysis(v: TextValues, ctx) {
    const { createTextAnalysis } = await import('../text-analysis.ts');
    const model = ctx.model as (init: ModelInit) => GptModel;
    const analysis = createTextAnalysis({ model, trainText: ctx.data.text.trainText, batchSize: v.analysisBatchSize });
    const settings = { kind: 'text', batchSize: v.analysisBatchSize };
    return { analyze: analysis.analyze, dispose: () => analysis.dispose(), settings };
  },
  syntheticSize(v: TextValues, data: TextFamilyData) {
    if (v.syntheticChars === undefined) return undefined;
    const width = data.train.shape[1];
    const n = checkInteger('syntheticChars', v.syntheticChars, 1);
    if (n < width) {
      const sentence = [
        ...say`${opt('syntheticChars')} ${n} holds no window of block + 1 = ${width} characters; `,
        ...say`expected at least ${width}.`,
      ];
      throw new OptionError('syntheticChars', n, sentence);
    }
    return Math.floor(n / width);
  },
  freshSize: defaultFreshSize,
  freshSizeHelp: '10% of the training windows',
  async trainCount(v: TextValues) {
    return (await readText(v, false)).train.count;
  },
  closing({ runs, data, backend }) {
    const source = data.textFile ?? data.dataset;
    const what = `${String(data.trainChars)} training characters, ${String(data.vocabSize)} distinct; ${backend} backend`;
    const heading =
      `GPT on ${String(source)} (${what}): ` +
      "test loss in nats per character, and the perplexity of the synthetic windows under generation 1's model";
    return `${heading}:\n${formatTextTable(runs)}`;
  },
} satisfies Family<typeof TEXT_SETTINGS, TextFamilyData>;
