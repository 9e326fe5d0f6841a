/**
 * The analysis trainGenerations runs after each generation of a language-model run (its `analyze`
 * seam). Record fields:
 *
 *   ppl*          the perplexity of every synthetic window under generation 1's model (the one trained
 *                 on real text): mean, median, p90, p99, max, and counts on log-spaced bins (PPL_EDGES),
 *                 the survey's Figure 3 (Shumailov et al. 2024: later generations grow a tail of
 *                 sequences the first model finds improbable)
 *   distinct1..4  distinct character n-grams of the synthetic text over all its n-grams
 *   distinctWords distinct words over all words; knownWords: share of its words that occur in the
 *                 real training text
 *   sampleText    the first characters of the synthetic text
 *
 * and the files sample.txt (the synthetic text's first SAMPLE_FILE_CHARS characters) and
 * text-analysis.json (the bins, and the same statistics for the real test windows under generation
 * 1's model, the reference the synthetic tails are read against). Generation 1's model is kept from
 * generation 1 or, after a resume, loaded from the run's gen-001/.
 */
import * as tf from './tfjs.ts';
import { range } from '../data/images.ts';
import type { ImageSource } from '../data/images.ts';
import { decodeText } from '../data/text.ts';
import type { GptModel } from '../models/gpt.ts';
import type { ModelInit } from '../models/types.ts';
import { copyGenerationOne } from './generation-one.ts';
import { checkInteger } from './options.ts';
import type { AnalyzeContext, AnalyzeResult } from './resolve.ts';
import { TEXT_ANALYSIS_FILES } from './run/layout.ts';
import { toBatch } from './train.ts';

export const TEXT_ANALYSIS_FORMAT = 'collapse-lab-text-analysis/1';

/** Perplexity bin edges: 1 to 1000, 20 bins a decade (a last bin holds everything above). */
export const PPL_EDGES: readonly number[] = Array.from({ length: 61 }, (_, i) => 10 ** (i / 20));

/** Characters of synthetic text in the record (sampleText) and in sample.txt. */
export const SAMPLE_RECORD_CHARS = 300;
export const SAMPLE_FILE_CHARS = 2000;

/** Options of createTextAnalysis. */
export interface TextAnalysisOptions {
  /** Builds a model like the run's; holds generation 1's weights. */
  model: (init: ModelInit) => GptModel;
  /** The real training text (known words are its words). */
  trainText: string;
  /** Windows per forward pass. Defaults to 256. */
  batchSize?: number;
}

/** Summary of a set of window perplexities. */
export interface PerplexityStats {
  mean: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  /** Windows per bin of PPL_EDGES: [edge i, edge i+1), and the last bin from the last edge up. */
  histogram: number[];
}

/** The record fields the text analysis adds. */
export interface TextMetrics {
  pplMean: number;
  pplMedian: number;
  pplP90: number;
  pplP99: number;
  pplMax: number;
  pplHistogram: number[];
  distinct1: number;
  distinct2: number;
  distinct3: number;
  distinct4: number;
  distinctWords: number;
  knownWords: number;
  sampleText: string;
}

/** A text run's per-generation analysis (perplexity under generation 1's model, n-grams, words). */
export interface TextAnalysis {
  /** Measures one generation's synthetic text; its fields join the record. */  analyze(ctx: AnalyzeContext): Promise<AnalyzeResult>;
  /** Frees generation 1's model. */
  dispose(): void;
}

export function createTextAnalysis(options: TextAnalysisOptions): TextAnalysis {
  const batchSize = checkInteger('batchSize', options.batchSize ?? 256, 1);
  const knownWords = new Set(words(options.trainText));
  let first: { model: GptModel; runDir: string | undefined; reference: PerplexityStats | null } | null = null;

  const firstModel = async (ctx: AnalyzeContext): Promise<NonNullable<typeof first>> => {
    if (ctx.generation === 1 || !first || first.runDir !== ctx.run?.dir) {
      first?.model.dispose();
      first = null;
      first = { model: await copyGenerationOne(ctx, options.model, 'perplexities'), runDir: ctx.run?.dir, reference: null };
    }
    return first;
  };

  return {
    async analyze(ctx) {
      const model = ctx.model as GptModel;
      const judge = await firstModel(ctx);
      const stats = perplexityStats(await windowPerplexities(judge.model, ctx.samples, batchSize));
      judge.reference ??= perplexityStats(await windowPerplexities(judge.model, ctx.data.test, batchSize));
      const text = decodeText(ctx.samples.pixels, model.vocab);
      const ws = words(text);
      const fields: TextMetrics = {
        pplMean: stats.mean,
        pplMedian: stats.median,
        pplP90: stats.p90,
        pplP99: stats.p99,
        pplMax: stats.max,
        pplHistogram: stats.histogram,
        distinct1: distinctShare(text, 1),
        distinct2: distinctShare(text, 2),
        distinct3: distinctShare(text, 3),
        distinct4: distinctShare(text, 4),
        distinctWords: ws.length === 0 ? 0 : new Set(ws).size / ws.length,
        knownWords: ws.length === 0 ? 0 : ws.filter((w) => knownWords.has(w)).length / ws.length,
        sampleText: text.slice(0, SAMPLE_RECORD_CHARS),
      };
      const info = {
        format: TEXT_ANALYSIS_FORMAT,
        generation: ctx.generation,
        pplEdges: PPL_EDGES,
        synthetic: { windows: ctx.samples.count, ...stats },
        realTest: { windows: ctx.data.test.count, ...judge.reference },
      };
      const encode = (s: string) => new TextEncoder().encode(s);
      return {
        fields: { ...fields },
        files: { [TEXT_ANALYSIS_FILES.info]: encode(JSON.stringify(info, null, 2) + '\n'), [TEXT_ANALYSIS_FILES.sample]: encode(text.slice(0, SAMPLE_FILE_CHARS)) },
      };
    },
    dispose() {
      first?.model.dispose();
      first = null;
    },
  };
}

/** exp(mean cross-entropy per character) of every window of `source` under `model`. */
export async function windowPerplexities(model: GptModel, source: ImageSource, batchSize: number): Promise<Float64Array> {
  const out = new Float64Array(source.count);
  const all = range(source.count);
  for (let start = 0; start < source.count; start += batchSize) {
    const idx = all.subarray(start, Math.min(source.count, start + batchSize));
    const losses = tf.tidy(() => {
      const x = toBatch(model, source, idx);
      return model.windowLosses(x);
    });
    const values = await losses.data();
    losses.dispose();
    for (let i = 0; i < values.length; i++) out[start + i] = Math.exp(values[i]);
  }
  return out;
}

/** Mean, quantiles (nearest rank), max and PPL_EDGES histogram of perplexities. */
export function perplexityStats(ppl: Float64Array): PerplexityStats {
  const sorted = Float64Array.from(ppl).sort();
  const n = sorted.length;
  const q = (p: number) => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]);
  const histogram = new Array<number>(PPL_EDGES.length).fill(0);
  for (const v of sorted) {
    let bin = 0;
    while (bin + 1 < PPL_EDGES.length && v >= PPL_EDGES[bin + 1]) bin++;
    histogram[bin]++;
  }
  let sum = 0;
  for (const v of sorted) sum += v;
  return { mean: n === 0 ? NaN : sum / n, median: q(0.5), p90: q(0.9), p99: q(0.99), max: n === 0 ? NaN : sorted[n - 1], histogram };
}

/** Distinct n-grams of characters over all n-grams of `text`. */
export function distinctShare(text: string, n: number): number {
  const chars = Array.from(text);
  const total = chars.length - n + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  for (let i = 0; i < total; i++) seen.add(chars.slice(i, i + n).join(''));
  return seen.size / total;
}

/** The words of a text: runs of letters (and inner apostrophes), lower-cased. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}+(?:['’]\p{L}+)*/gu) ?? []) as string[];
}
