/**
 * runGeneration(g): one generation of the self-consuming loop, start to finish: build its training
 * set, fit a fresh model (resuming from an epoch checkpoint when there is one), evaluate it on the
 * real test set, sample the next synthetic set, run the analysis, and seal the generation in the run
 * directory. Returns the finished record; nothing is filled in later.
 */
import * as tf from './tfjs.ts';
import type { ImageSet, ImageSource } from '../data/images.ts';
import { range, selectSource } from '../data/images.ts';
import type { GenerativeModel } from '../models/types.ts';
import { OptionError, opt, say } from './options.ts';
import { RECORD_FIELDS } from './record.ts';
import type { GenerationRecord } from './record.ts';
import type { AnalyzeResult, ResolvedOptions } from './resolve.ts';
import { gridPng } from './report/grid.ts';
import { GENERATION_FILES } from './run/layout.ts';
import type { RunWriter } from './run/run-dir.ts';
import { createRng, Stream } from './rng.ts';
import { buildTrainingSet } from './schemes.ts';
import type { TrainingParts } from './schemes.ts';
import { abortError, evaluate, fit, NonFiniteLossError } from './train.ts';
import type { TrainResult } from './train.ts';
import type { LossParts } from '../models/types.ts';
import type { RunTracker } from './tracking/run-tracker.ts';

/** What a generation needs besides the options: the run directory and the synthetic sets so far. */
export interface GenerationInput {
  run?: RunWriter;
  /** Synthetic sets of generations 1..g-1, oldest first. */
  synthetic: readonly ImageSource[];
  /** Continue from this generation's last epoch checkpoint, if it has one (the first generation of a resume). */
  resuming: boolean;
  /** The run's learning rate (run.json); a generation trained with another records its own. */
  runLearningRate: number;
  /** Where step losses, epoch and generation results go (steps.jsonl, TensorBoard). Defaults to none. */
  tracker?: RunTracker;
  /** Optimiser steps of the generations before this one. Defaults to 0. */
  stepsBefore?: number;
}

export interface GenerationOutput {
  record: GenerationRecord;
  /** This generation's synthetic set for the ones after it (read back from the run directory when there is one); none after the last. */
  synthetic?: ImageSource;
}

export async function runGeneration(o: ResolvedOptions, g: number, input: GenerationInput): Promise<GenerationOutput> {
  if (o.signal?.aborted) throw abortError(o.signal);
  const began = performance.now();
  const fresh = o.data.freshPool ? { pool: o.data.freshPool, rng: createRng(o.seed, Stream.fresh) } : undefined;
  const { source, realFraction, parts } = buildTrainingSet(o.scheme, { real: o.data.train, synthetic: input.synthetic, rng: createRng(o.seed, g, Stream.scheme), fresh });
  await o.onGenerationStart?.({ generation: g, generations: o.generations, trainSize: source.count, realFraction });
  const model = o.model({ seed: createRng(o.seed, g, Stream.init).seed() });
  try {
    const fitted = await train(o, g, model, source, input);
    const test = await testLoss(o, g, model, input.run);
    const bySource = await sourceLosses(o, g, model, parts);
    await model.prepareSampling(source, o.evalBatchSize);
    const samples = await model.sample(o.syntheticSize, createRng(o.seed, g, Stream.sample), source, o.evalBatchSize);
    const analysis = o.analyze ? checkAnalysis(await o.analyze({ generation: g, model, samples, trainSet: source, data: o.data, rng: createRng(o.seed, g, Stream.analysis), run: input.run })) : {};
    if (o.signal?.aborted) throw abortError(o.signal);
    // Field order is the order of generations.jsonl: core fields, then the analysis'.
    const record: GenerationRecord = {
      generation: g,
      scheme: o.schemeName,
      trainSize: source.count,
      realFraction,
      trainLoss: fitted.trainLoss,
      ...bySource,
      testLoss: test.total,
      testRecon: test.recon,
      testKl: test.kl,
      epochLosses: fitted.epochLosses,
      // Measured with this generation's model still alive, as every generation's is.
      numTensors: tf.memory().numTensors,
      // A resumed generation's seconds include the training done before the resume.
      seconds: (performance.now() - began) / 1000 + fitted.secondsBefore,
      samplesPerSecond: fitted.imagesPerSecond,
      rssMB: Math.round(process.memoryUsage().rss / 1048576),
      ...(o.learningRate !== input.runLearningRate ? { learningRate: o.learningRate } : {}),
      ...analysis.fields,
    };
    const last = g === o.generations;
    const samplesPng = input.run || input.tracker ? await samplesGrid(samples, o.sampleGrid) : undefined;
    await input.tracker?.endGeneration(record, { [GENERATION_FILES.samples]: samplesPng!, ...pngsOf(analysis.files) });
    if (!input.run) return { record, synthetic: last ? undefined : samples };
    await input.run.writeGeneration(g, { model, synthetic: samples, samplesPng: samplesPng!, record, extraFiles: analysis.files });
    // Read back batch by batch (data/file-source.ts), so the accumulate pool does not grow in memory.
    return { record, synthetic: last ? undefined : await input.run.synthetic(g) };
  } finally {
    model.dispose();
  }
}

/** Fits the model, from the generation's last epoch checkpoint when resuming (or the previous weights with warmStart). */
async function train(o: ResolvedOptions, g: number, model: GenerativeModel, source: ImageSource, input: GenerationInput): Promise<TrainResult & { secondsBefore: number }> {
  const epochs = input.run?.epochs({ seed: o.seed, generation: g, epochs: o.epochs, learningRate: o.learningRate }, o.log);
  const resumeFrom = input.resuming ? await epochs?.load() : undefined;
  if (resumeFrom) o.log?.(`Resuming generation ${g} after epoch ${resumeFrom.epoch} of ${o.epochs}.`);
  else if (o.warmStart && g > 1 && input.run) await input.run.loadWeightsInto(model, g - 1);
  const ctx = { generation: g, generations: o.generations };
  const tracker = input.tracker;
  await tracker?.startGeneration({ generation: g, stepsBefore: input.stepsBefore ?? 0, epochsDone: resumeFrom?.epoch ?? 0, secondsDone: resumeFrom?.trainSeconds ?? 0 });
  const logging = tracker && tracker.logEvery > 0;
  try {
    const result = await fit({
      model,
      data: source,
      epochs: o.epochs,
      steps: o.steps,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      rng: createRng(o.seed, g),
      signal: o.signal,
      resumeFrom,
      // The steps of an epoch reach the disk before its checkpoint does.
      saveEpoch: epochs ? async (s) => (await tracker?.flushSteps(), await epochs.save(s)) : undefined,
      lossEvery: logging ? tracker.logEvery : o.onBatch ? o.logEvery : 0,
      onBatch: o.onBatch || logging ? (b) => (tracker?.batch(b), o.onBatch?.({ ...b, ...ctx })) : undefined,
      onEpochEnd: async (e) => {
        await tracker?.endEpoch(e.epoch, e.trainLoss);
        await o.onEpochEnd?.({ ...e, ...ctx });
      },
    });
    return { ...result, secondsBefore: resumeFrom?.trainSeconds ?? 0 };
  } catch (err) {
    if (!(err instanceof NonFiniteLossError)) throw err;
    // Nothing of a diverged generation is kept, not even its earlier epochs.
    await epochs?.clear();
    throw err.within(`Generation ${g}: `, ` Generations before ${g} are kept.`);
  }
}

/** The loss on the real test set; a non-finite one stops the run like a non-finite training loss. */
async function testLoss(o: ResolvedOptions, g: number, model: GenerativeModel, run: RunWriter | undefined): Promise<LossParts> {
  const loss = await evaluate(model, o.data.test, o.evalBatchSize, createRng(o.seed, g, Stream.eval));
  if (Number.isFinite(loss.total)) return loss;
  await run?.epochs({ seed: o.seed, generation: g, epochs: o.epochs, learningRate: o.learningRate }).clear();
  throw new OptionError('learningRate', o.learningRate, say`Generation ${g}: the test loss is ${loss.total}; expected a finite number (try a lower ${opt('learningRate')}). Generations before ${g} are kept.`);
}

/** Images of each part of a training set (real, synthetic) its per-source losses are measured on. */
export const SOURCE_LOSS_IMAGES = 2000;

/**
 * The trained model's mean loss per image (the training loss, noise and all) on the real and on the
 * synthetic part of its own training set, each on at most SOURCE_LOSS_IMAGES images drawn without
 * replacement: the two sources the training loss mixes, in proportions that change every generation.
 */
async function sourceLosses(o: ResolvedOptions, g: number, model: GenerativeModel, parts: TrainingParts): Promise<Pick<GenerationRecord, 'trainLossReal' | 'trainLossSynthetic'>> {
  const out: Pick<GenerationRecord, 'trainLossReal' | 'trainLossSynthetic'> = {};
  const measure = async (part: ImageSource, stream: number) => {
    const rng = createRng(o.seed, g, Stream.sourceLoss, stream);
    // Sorted, so that a part read from files is read in runs of neighbouring images.
    const idx = part.count <= SOURCE_LOSS_IMAGES ? range(part.count) : rng.choose(part.count, SOURCE_LOSS_IMAGES, false).sort();
    return (await evaluate(model, selectSource(part, idx), o.evalBatchSize, rng)).total;
  };
  if (parts.real) out.trainLossReal = await measure(parts.real, 0);
  if (parts.synthetic) out.trainLossSynthetic = await measure(parts.synthetic, 1);
  return out;
}

/** An analysis adds fields of its own; one that would overwrite the record's (e.g. testLoss) is refused. */
function checkAnalysis(result: AnalyzeResult): AnalyzeResult {
  const clash = Object.keys(result?.fields ?? {}).find((k) => RECORD_FIELDS.includes(k));
  if (clash) throw new OptionError('analyze', clash, say`The ${opt('analyze')} hook returned the field '${clash}', which is one of the record's own; expected fields of the analysis' own names (not ${RECORD_FIELDS.join(', ')}).`);
  return result ?? {};
}

/** The PNG files among an analysis' files (its grids). */
function pngsOf(files: Record<string, Uint8Array> | undefined): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(files ?? {}).filter(([name]) => name.endsWith('.png')));
}

/** The first `count` synthetic images as one picture (samples.png). */
function samplesGrid(samples: ImageSet, count: number): Promise<Uint8Array> {
  return gridPng(samples, range(Math.min(count, samples.count)));
}
