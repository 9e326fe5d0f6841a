/**
 * trainGenerations(): the self-consuming loop. Generation 1 trains on real data; generation g >= 2
 * trains a freshly initialised model on the set its scheme builds from the real data and the
 * synthetic sets sampled so far. Test loss is always measured on the real held-out test set.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet, ImageSource } from '../data/images.ts';
import type { GenerativeModel, ModelFactory } from '../models/types.ts';
import { backendRecord, initBackend } from './backend.ts';
import type { BackendChoice } from './backend.ts';
import { genDirName, loadWeightsInto, openRun, openSynthetic, readRecords, RUN_FORMAT, writeGeneration } from './checkpoint.ts';
import type { OpenedRun } from './checkpoint.ts';
import { epochCheckpoints } from './epoch-checkpoint.ts';
import type { GenerationRecord } from './record.ts';
import { gridPng } from './report/grid.ts';
import { createRng, Stream } from './rng.ts';
import type { Rng } from './rng.ts';
import { buildTrainingSet, checkScheme, schemeName } from './schemes.ts';
import type { Scheme } from './schemes.ts';
import { abortError, evaluate, fit, NonFiniteLossError } from './train.ts';
import type { BatchContext, EpochContext } from './train.ts';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { pixelsPerImage } from '../data/images.ts';
import { versions } from './versions.ts';

export interface GenerationsOptions {
  /** Builds a freshly initialised model from a seed; called once per generation. */
  model: ModelFactory;
  /** Real training and held-out test images. */
  data: { train: ImageSource; test: ImageSource };
  /** How each generation's training set is built. */
  scheme: Scheme;
  /** Number of generations, the first trained on real data. Defaults to 7. */
  generations?: number;
  /** Epochs per generation. Defaults to 10. */
  epochs?: number;
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
  /** Extra settings recorded in run.json and checked on resume (e.g. the dataset). Defaults to {}. */
  config?: Record<string, unknown>;
  /** Stops the run between batches; nothing half-done is written. */
  signal?: AbortSignal;
  onBatch?: (ctx: BatchContext & { generation: number; generations: number }) => void;
  onEpochEnd?: (ctx: EpochContext & { generation: number; generations: number }) => void | Promise<void>;
  onGenerationStart?: (ctx: { generation: number; generations: number; trainSize: number; realFraction: number }) => void | Promise<void>;
  onGenerationEnd?: (record: GenerationRecord) => void | Promise<void>;
  /**
   * Optional per-generation analysis (collapse metrics, grids): called with the trained model and
   * its samples before they are disposed. Its `fields` are merged into the generation's record and
   * its `files` written into gen-NNN/ with the rest of the generation. Defaults to none.
   */
  analyze?: (ctx: AnalyzeContext) => Promise<AnalyzeResult>;
  /** Notes for the user (resume information, backend warnings). Defaults to none. */
  log?: (line: string) => void;
}

export interface AnalyzeContext {
  generation: number;
  model: GenerativeModel;
  /** The synthetic set this generation sampled. */
  samples: ImageSet;
  /** This generation's training set. */
  trainSet: ImageSource;
  /** The real training and test sets. */
  data: { train: ImageSource; test: ImageSource };
  /** A stream reserved for the analysis (same in a resumed run). */
  rng: Rng;
  /** The run directory, when there is one. */
  runDir?: string;
}

export interface AnalyzeResult {
  fields?: Record<string, unknown>;
  /** File name (no folders) -> contents, written into gen-NNN/. */
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
} as const;

/** Images shown in each generation's samples.png. */
const GRID_IMAGES = 100;

/** Runs the loop and returns one record per generation (including generations done before a resume). */
export async function trainGenerations(options: GenerationsOptions): Promise<GenerationRecord[]> {
  const o = { ...GENERATION_DEFAULTS, ...definedOnly(options) };
  const scheme = checkScheme(o.scheme);
  const { train, test } = o.data;
  const syntheticSize = o.syntheticSize ?? train.count;
  for (const [name, v] of Object.entries({ generations: o.generations, epochs: o.epochs, batchSize: o.batchSize, evalBatchSize: o.evalBatchSize, syntheticSize })) {
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name} ${v} must be a positive integer.`);
  }
  if (!(Number.isInteger(o.seed) && o.seed >= 0)) throw new Error(`Seed ${o.seed} must be a non-negative integer.`);
  if (train.shape.join('x') !== test.shape.join('x')) {
    throw new Error(`Training images are ${train.shape.join('x')} but test images are ${test.shape.join('x')}; expected one shape.`);
  }
  const budget = o.memoryBudget ?? Math.floor(totalmem() / 2);
  const setBytes = syntheticSize * pixelsPerImage(train.shape);
  if (setBytes > budget) {
    throw new Error(`Synthetic size ${syntheticSize} needs ${gb(setBytes)} for one synthetic set of ${train.shape.join('x')} images; expected at most ${gb(budget)} (${o.memoryBudget === undefined ? "half of this machine's memory" : 'the memory budget'}): lower the synthetic size.`);
  }
  const backend = await initBackend(o.backend ?? 'auto');
  const name = schemeName(scheme);

  // Built once to describe the run; generation models are built fresh below.
  const probe = o.model({ seed: 0 });
  const modelConfig = probe.config;
  probe.dispose();
  const config = {
    model: modelConfig,
    scheme: name,
    epochs: o.epochs,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    syntheticSize,
    trainSize: train.count,
    testSize: test.count,
    warmStart: o.warmStart ?? false,
    ...o.config,
  };

  const records: GenerationRecord[] = [];
  // With a run directory, the synthetic sets are read back from gen-NNN/synthetic.u8 batch by batch
  // (data/file-source.ts), so the accumulate pool does not grow in memory.
  const synthetic: ImageSource[] = [];
  let start = 1;
  let opened: OpenedRun | undefined;
  // The learning rate of run.json; generations trained with another one record theirs.
  let runLearningRate = o.learningRate;
  if (o.runDir) {
    opened = await openRun(
      o.runDir,
      { format: RUN_FORMAT, config, seed: o.seed, backend: backendRecord(backend), versions: versions(), createdAt: new Date().toISOString() },
      { resume: o.resume ?? false, force: o.force ?? false, mayChange: ['learningRate'] },
    );
  }
  try {
    if (o.runDir && opened) {
      opened.notes.forEach((n) => o.log?.(n));
      runLearningRate = opened.info.config.learningRate as number;
      if (runLearningRate !== o.learningRate) {
        o.log?.(`The learning rate is ${o.learningRate} from generation ${opened.completed + 1} on (the run started with ${runLearningRate}); those generations record it.`);
      }
      if (opened.completed > 0) {
        o.log?.(`Resuming ${o.runDir} after generation ${opened.completed}.`);
        records.push(...(await readRecords(o.runDir, Math.min(opened.completed, o.generations))));
        for (let g = 1; g <= Math.min(opened.completed, o.generations - 1); g++) synthetic.push(await openSynthetic(o.runDir, g));
        start = opened.completed + 1;
      }
    }
    for (let g = start; g <= o.generations; g++) {
      if (o.signal?.aborted) throw abortError(o.signal);
      const began = performance.now();
      const { source, realFraction } = buildTrainingSet(scheme, { real: train, synthetic, rng: createRng(o.seed, g, Stream.scheme) });
      await o.onGenerationStart?.({ generation: g, generations: o.generations, trainSize: source.count, realFraction });
      const model = o.model({ seed: createRng(o.seed, g, Stream.init).seed() });
      // End-of-epoch checkpoints of this generation (lib/epoch-checkpoint.ts): a resume continues from the last one.
      const epochStore = o.runDir ? epochCheckpoints(o.runDir, { seed: o.seed, generation: g, epochs: o.epochs, learningRate: o.learningRate }, o.log) : undefined;
      try {
        const resumeFrom = o.resume && g === start ? await epochStore?.load() : undefined;
        if (resumeFrom) o.log?.(`Resuming generation ${g} after epoch ${resumeFrom.epoch} of ${o.epochs}.`);
        else if (o.warmStart && g > 1 && o.runDir) await loadWeightsInto(model, join(o.runDir, genDirName(g - 1)));
        const ctx = { generation: g, generations: o.generations };
        let fitted;
        try {
          fitted = await fit({
            model,
            data: source,
            epochs: o.epochs,
            batchSize: o.batchSize,
            learningRate: o.learningRate,
            rng: createRng(o.seed, g),
            signal: o.signal,
            resumeFrom,
            saveEpoch: epochStore?.save,
            onBatch: o.onBatch ? (b) => o.onBatch!({ ...b, ...ctx }) : undefined,
            onEpochEnd: o.onEpochEnd ? (e) => o.onEpochEnd!({ ...e, ...ctx }) : undefined,
          });
        } catch (err) {
          if (err instanceof NonFiniteLossError) {
            // Nothing of a diverged generation is kept, not even its earlier epochs.
            await epochStore?.clear();
            throw new Error(`Generation ${g}: ${err.message} Generations before ${g} are kept.`);
          }
          throw err;
        }
        const testLoss = await evaluate(model, test, o.evalBatchSize, createRng(o.seed, g, Stream.eval));
        if (!Number.isFinite(testLoss.total)) {
          await epochStore?.clear();
          throw new Error(`Generation ${g}: the test loss is ${testLoss.total}; expected a finite number (try a lower --lr). Generations before ${g} are kept.`);
        }
        await model.prepareSampling(source, o.evalBatchSize);
        const samples = await model.sample(syntheticSize, createRng(o.seed, g, Stream.sample), source, o.evalBatchSize);
        const record: GenerationRecord = {
          generation: g,
          scheme: name,
          trainSize: source.count,
          realFraction,
          trainLoss: fitted.trainLoss,
          testLoss: testLoss.total,
          testRecon: testLoss.recon,
          testKl: testLoss.kl,
          epochLosses: fitted.epochLosses,
          numTensors: 0,
          seconds: 0,
          samplesPerSecond: fitted.imagesPerSecond,
          rssMB: 0,
          ...(o.learningRate !== runLearningRate ? { learningRate: o.learningRate } : {}),
        };
        const analysis = o.analyze
          ? await o.analyze({ generation: g, model, samples, trainSet: source, data: o.data, rng: createRng(o.seed, g, Stream.analysis), runDir: o.runDir })
          : {};
        Object.assign(record, analysis.fields ?? {});
        if (o.signal?.aborted) throw abortError(o.signal);
        // numTensors is measured with this generation's model still alive, as every generation's is.
        record.numTensors = tf.memory().numTensors;
        record.seconds = (performance.now() - began) / 1000;
        record.rssMB = Math.round(process.memoryUsage().rss / 1048576);
        if (o.runDir) {
          const gridIdx = Uint32Array.from({ length: Math.min(GRID_IMAGES, samples.count) }, (_, i) => i);
          await writeGeneration(o.runDir, g, { model, synthetic: samples, samplesPng: await gridPng(samples, gridIdx), record, extraFiles: analysis.files });
        }
        if (g < o.generations) synthetic.push(o.runDir ? await openSynthetic(o.runDir, g) : samples);
        records.push(record);
        await o.onGenerationEnd?.(record);
      } finally {
        model.dispose();
      }
    }
  } finally {
    await opened?.release();
  }
  return records;
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes < 1e9 ? 3 : 1)} GB`;
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
