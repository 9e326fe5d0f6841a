/** collapse-lab's public API: every public name is exported here, and only here. */

// data
export { createImageSet, concatSources, selectSource, materialize, takeFirst, toFloatBatch, quantize, pixelsPerImage } from '../data/images.ts';
export type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
export { parseIdx, encodeIdx } from '../data/idx.ts';
export type { IdxArray } from '../data/idx.ts';
export { loadMnist, mnistDataDir } from '../data/mnist.ts';
export type { Mnist, MnistOptions } from '../data/mnist.ts';

// models
export { createVae } from '../models/vae.ts';
export type { VaeOptions } from '../models/vae.ts';
export { createAutoencoder } from '../models/autoencoder.ts';
export type { AutoencoderOptions } from '../models/autoencoder.ts';
export type { GenerativeModel, LossParts, ModelFactory, ModelInit, ModelKind, SamplingMode } from '../models/types.ts';

// the generational trainer
export { trainGenerations, GENERATION_DEFAULTS } from './generations.ts';
export type { AnalyzeContext, AnalyzeResult, GenerationsOptions } from './generations.ts';
export type { GenerationRecord } from './record.ts';
export { buildTrainingSet, parseScheme, schemeName, checkScheme, SCHEME_NAMES } from './schemes.ts';
export type { Scheme, SchemeName, TrainingSet, TrainingSetInput } from './schemes.ts';
export { fit, evaluate, NonFiniteLossError } from './train.ts';
export type { BatchContext, EpochContext, TrainOptions, TrainResult } from './train.ts';
export { createRng, Stream, tfSeed } from './rng.ts';
export type { Rng } from './rng.ts';
export { initBackend, activeBackend, BACKEND_CHOICES } from './backend.ts';
export type { BackendChoice, BackendInfo } from './backend.ts';
export { openRun, readRunInfo, readRecords, completedGenerations, loadSynthetic, loadNetwork, loadWeightsInto, saveNetwork, genDirName } from './checkpoint.ts';
export type { RunInfo } from './checkpoint.ts';
export { gridPng } from './report/grid.ts';
export type { GridOptions } from './report/grid.ts';
export { runExperiment, formatLossTable, readRun } from './experiment.ts';
export type { ExperimentOptions, ExperimentResult, SchemeRun } from './experiment.ts';
export { createProgress, formatSeconds } from './progress.ts';
export type { Progress, ProgressOptions } from './progress.ts';
export { plannedTrainSize } from './schemes.ts';
export { benchModel, peakRssMB } from './bench.ts';
export type { BenchOptions, ModelBench } from './bench.ts';
