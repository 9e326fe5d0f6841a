/**
 * Throughput of the GPT (models/gpt.ts) on real text: training characters per second through the
 * library's own fit(), and sampling characters per second with and without the key/value cache.
 * Wall-clock numbers for scripts/bench.ts, never for test assertions.
 */
import { loadText } from '../data/text.ts';
import type { TextOptions } from '../data/text.ts';
import { createGpt } from '../models/gpt.ts';
import type { GptOptions } from '../models/gpt.ts';
import { benchTraining } from './bench.ts';
import { createRng } from './rng.ts';

/** The GPT's settings besides its vocabulary, block and seed (which come from the text and the run). */
export type TextModelOptions = Omit<GptOptions, 'vocab' | 'block' | 'seed' | 'kvCache'>;

/** Options of benchGpt. */
export interface GptBenchOptions {
  /** The text (its training windows are trained on). Defaults to Moby Dick at block 64. */
  text?: TextOptions;
  /** The model. Defaults to GPT_DEFAULTS (the quick preset's). */
  gpt?: TextModelOptions;
  /** Windows per step. Defaults to 32. */
  batchSize?: number;
  /** Steps before timing starts. Defaults to 5. */
  warmupSteps?: number;
  /** Timed steps. Defaults to 50. */
  steps?: number;
  /** Characters each sampling run writes (over all streams). Defaults to 20000. */
  sampleChars?: number;
  /** Characters the uncached sampling writes (it is slow). Defaults to 2000. */
  uncachedChars?: number;
  /** Texts sampled at once: few, so that each runs well past the block, where the cache matters. Defaults to 8. */
  streams?: number;
}

/** What benchGpt measures: training and sampling characters per second. */
export interface GptBench {
  /** Training characters (window positions) per second. */
  trainCharsPerSecond: number;
  /** Sampling characters per second with the key/value cache. */
  sampleCharsPerSecond: number;
  /** Sampling characters per second with a full forward pass per character. */
  uncachedSampleCharsPerSecond: number;
  streams: number;
  block: number;
  params: number;
}

/** The GPT's training and sampling characters per second on Moby Dick (npm run bench). */
export async function benchGpt(options: GptBenchOptions = {}): Promise<GptBench> {
  const text = await loadText({ block: 64, ...options.text });
  const block = text.train.shape[1] - 1;
  const streams = options.streams ?? 8;
  const model = createGpt({ ...options.gpt, vocab: text.vocab, block, streams, seed: 1 });
  try {
    const { imagesPerSecond } = await benchTraining({
      model,
      train: text.train,
      batchSize: options.batchSize ?? 32,
      warmupSteps: options.warmupSteps ?? 5,
      steps: options.steps ?? 50,
    });
    const rate = async (chars: number, cache: boolean) => {
      const lengths = Array.from({ length: streams }, () => Math.ceil(chars / streams));
      const t = performance.now();
      await model.sampleText(lengths, createRng(2), { cache });
      return (lengths[0] * streams) / ((performance.now() - t) / 1000);
    };
    return {
      trainCharsPerSecond: imagesPerSecond * block,
      sampleCharsPerSecond: await rate(options.sampleChars ?? 20000, true),
      uncachedSampleCharsPerSecond: await rate(options.uncachedChars ?? 2000, false),
      streams,
      block,
      params: model.network.countParams(),
    };
  } finally {
    model.dispose();
  }
}
