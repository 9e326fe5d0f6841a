/**
 * The language-model family: a character GPT (models/gpt.ts) trained generation after generation on
 * text (data/text.ts) under each scheme, with the text analysis (lib/text-analysis.ts), through the
 * same runExperiment, run directories and resume as the image families. Worker processes rebuild the
 * data, the model and the analysis from plain settings (textWorkerSetup), so schemes can train side
 * by side.
 */
import { loadText } from '../data/text.ts';
import type { TextData, TextOptions } from '../data/text.ts';
import { createGpt } from '../models/gpt.ts';
import type { GptModel, GptOptions } from '../models/gpt.ts';
import type { ModelInit } from '../models/types.ts';
import { runExperiment } from './experiment.ts';
import type { ExperimentOptions, ExperimentResult, SchemeRun } from './experiment.ts';
import type { Scheme } from './schemes.ts';
import type { WorkerSetupResult } from './jobs/protocol.ts';
import { checkInteger, OptionError, opt, say } from './options.ts';
import { createTextAnalysis } from './text-analysis.ts';

/** The GPT's settings besides its vocabulary, block and seed (which come from the text and the run). */
export type TextModelOptions = Omit<GptOptions, 'vocab' | 'block' | 'seed' | 'kvCache'>;

/** What a text run is built from: plain data, so that a worker process can rebuild it. */
export interface TextSetup {
  /** The corpus or file, the block and the training characters (loadText's options; `rest` is set from the schemes). */
  text: TextOptions;
  /** The model. Defaults to GPT_DEFAULTS. */
  gpt?: TextModelOptions;
  /** Windows per forward pass of the analysis. Defaults to 256. */
  analysisBatchSize?: number;
  /** Whether the fresh scheme's pool (the training text after trainChars) is needed. Defaults to false. */
  freshPool?: boolean;
}

/** A scheme of a text experiment: 'fresh' may leave its size out (DEFAULT_FRESH_SHARE of the training windows). */
export type TextScheme = Scheme | { kind: 'fresh'; freshSize?: number };

/** Options of runTextExperiment: the text, the GPT and the experiment. */
export interface TextExperimentOptions extends Omit<ExperimentOptions, 'model' | 'data' | 'analysis' | 'analyze' | 'workerSetup' | 'syntheticSize' | 'schemes'> {
  /** Schemes to run, each as { kind, ...its parameters }. */
  schemes: TextScheme[];
  /** The corpus or file, the block and the training characters. */
  text: TextOptions;
  /** The model. Defaults to GPT_DEFAULTS. */
  gpt?: TextModelOptions;
  /** Characters sampled per generation (whole windows of block+1). Defaults to the training characters' windows. */
  syntheticChars?: number;
  /** Windows per forward pass of the analysis. Defaults to 256. */
  analysisBatchSize?: number;
}

export interface TextExperimentResult extends ExperimentResult {
  /** The text the runs trained on (vocabulary, sizes, source). */
  text: Pick<TextData, 'vocab' | 'source' | 'chars'> & { trainChars: number };
}

/** Share of the training windows the fresh scheme adds per generation when no freshSize is given. */
export const DEFAULT_FRESH_SHARE = 0.1;

/** Loads the text and builds the model factory, the data and the analysis of a text run. */
export async function buildTextRun(setup: TextSetup): Promise<WorkerSetupResult & { text: TextData; model: (init: ModelInit) => GptModel; dispose: () => void }> {
  const text = await loadText({ ...setup.text, rest: setup.freshPool ?? false });
  const model = (init: ModelInit) => createGpt({ ...setup.gpt, vocab: text.vocab, block: text.train.shape[1] - 1, seed: init.seed });
  const analysis = createTextAnalysis({ model, trainText: text.trainText, batchSize: setup.analysisBatchSize });
  return {
    text,
    model,
    data: { train: text.train, test: text.test, ...(text.rest ? { freshPool: text.rest } : {}) },
    analyze: analysis.analyze,
    dispose: () => analysis.dispose(),
  };
}

/** runExperiment's workerSetup for text runs: a worker rebuilds the same data, model and analysis. */
export async function textWorkerSetup(setup: TextSetup): Promise<WorkerSetupResult> {
  const { model, data, analyze } = await buildTextRun(setup);
  return { model, data, analyze };
}

/** The GPT trained on text under each scheme; one run directory per scheme under `out`. */
export async function runTextExperiment(options: TextExperimentOptions): Promise<TextExperimentResult> {
  const { text: textOptions, gpt, syntheticChars, analysisBatchSize, schemes: given, ...common } = options;
  const freshPool = (given ?? []).some((s) => s?.kind === 'fresh');
  const setup: TextSetup = { text: textOptions, gpt, analysisBatchSize, freshPool };
  const run = await buildTextRun(setup);
  try {
    const width = run.text.train.shape[1];
    const syntheticSize = syntheticChars === undefined ? undefined : checkSyntheticChars(syntheticChars, width);
    const schemes = (given ?? []).map((s) => (s?.kind === 'fresh' && s.freshSize === undefined ? { kind: 'fresh' as const, freshSize: defaultFreshSize(run.text.train.count) } : (s as Scheme)));
    const result = await runExperiment({
      ...common,
      schemes,
      model: run.model,
      data: run.data,
      syntheticSize,
      analyze: run.analyze,
      workerSetup: { module: import.meta.url, export: 'textWorkerSetup', args: setup },
      config: { ...common.config, ...textConfig(run.text, setup), analysis: { kind: 'text', batchSize: analysisBatchSize ?? 256 } },
    });
    const { vocab, source, chars } = run.text;
    return { ...result, text: { vocab, source, chars, trainChars: run.text.trainText.length } };
  } finally {
    run.dispose();
  }
}

/** What run.json records of the text (its contents are in the data digests). */
function textConfig(text: TextData, setup: TextSetup): Record<string, unknown> {
  return {
    dataset: setup.text.file !== undefined ? 'text-file' : text.source,
    ...(setup.text.file !== undefined ? { textFile: text.source } : {}),
    vocabSize: text.vocab.length,
    trainChars: text.trainText.length,
    testChars: text.chars.test,
  };
}

function checkSyntheticChars(chars: unknown, width: number): number {
  const n = checkInteger('syntheticChars', chars, 1);
  if (n < width) throw new OptionError('syntheticChars', n, say`${opt('syntheticChars')} ${n} holds no window of block + 1 = ${width} characters; expected at least ${width}.`);
  return Math.floor(n / width);
}

/** The fresh scheme's new real windows per generation when none is given: DEFAULT_FRESH_SHARE of the training windows. */
export function defaultFreshSize(trainWindows: number): number {
  return Math.max(1, Math.round(DEFAULT_FRESH_SHARE * trainWindows));
}

/** A table with a row per generation and, per scheme, the test loss (nats and bits per character) and the synthetic text's perplexity mean and p99 under generation 1's model. */
export function formatTextTable(runs: readonly SchemeRun[]): string {
  const generations = Math.max(0, ...runs.map((r) => r.records.length));
  const header = ['gen', ...runs.flatMap((r) => [`${r.scheme} test`, 'bits/char', 'ppl mean', 'ppl p99'])];
  const rows = [header];
  for (let g = 1; g <= generations; g++) {
    const row = [String(g)];
    for (const run of runs) {
      const rec = run.records.find((r) => r.generation === g);
      const num = (v: unknown, digits: number) => (typeof v === 'number' ? v.toFixed(digits) : '-');
      row.push(num(rec?.testLoss, 3), num(rec ? rec.testLoss / Math.LN2 : undefined, 3), num(rec?.pplMean, 2), num(rec?.pplP99, 2));
    }
    rows.push(row);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}
