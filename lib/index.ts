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
export type { DenseModelOptions } from '../models/dense.ts';
export { createAutoencoder } from '../models/autoencoder.ts';
export type { AutoencoderOptions } from '../models/autoencoder.ts';
export type { GenerativeModel, LossParts, ModelFactory, ModelInit, ModelKind, SamplingMode } from '../models/types.ts';

// the generational trainer
export { trainGenerations, GENERATION_DEFAULTS } from './generations.ts';
export type { AnalyzeContext, AnalyzeResult, GenerationsOptions } from './generations.ts';
export type { GenerationRecord } from './record.ts';
export { buildTrainingSet, parseScheme, schemeName, checkScheme, SCHEME_NAMES } from './schemes.ts';
export type { Scheme, SchemeName, TrainingSet, TrainingSetInput } from './schemes.ts';
export { fit, evaluate, NonFiniteLossError, captureAdam, restoreAdam } from './train.ts';
export type { BatchContext, EpochContext, EpochSnapshot, EpochState, OptimizerState, TrainOptions, TrainResult } from './train.ts';
export { createRng, Stream, tfSeed } from './rng.ts';
export type { Rng } from './rng.ts';
export { initBackend, activeBackend, backendBanner, describeBackend, BACKEND_CHOICES, BACKEND_ROUTES } from './backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions, BackendRecord, BackendRoute, GpuAdapter } from './backend.ts';
export { openRun, readRunInfo, readRecords, completedGenerations, verifyRun, loadSynthetic, loadNetwork, loadWeightsInto, saveNetwork, genDirName, LOCK_FILE } from './checkpoint.ts';
export type { OpenedRun, OpenRunOptions, RunInfo, RunVerification } from './checkpoint.ts';
export { sealFolder, verifyFolder, readVerified, readChecked, sha256, hashFile, CorruptFolderError, MANIFEST_FILE } from './manifest.ts';
export type { Manifest, ManifestEntry } from './manifest.ts';
export { epochCheckpoints, epochDirName } from './epoch-checkpoint.ts';
export type { EpochCheckpoints, EpochCheckpointKey } from './epoch-checkpoint.ts';
export { writeFileAtomic, TEMP_SUFFIX } from './atomic.ts';
export { gridPng } from './report/grid.ts';
export type { GridOptions } from './report/grid.ts';
export { runExperiment, planExperiment, formatLossTable, readRun } from './experiment.ts';
export type { ExperimentOptions, ExperimentPlan, ExperimentResult, SchemeRun } from './experiment.ts';
export { createProgress, formatSeconds } from './progress.ts';
export type { Progress, ProgressOptions } from './progress.ts';
export { plannedTrainSize } from './schemes.ts';
export { benchModel, benchTraining, peakRssMB } from './bench.ts';
export type { BenchOptions, ModelBench, TrainingBench, TrainingBenchOptions } from './bench.ts';
export { gpuCheck, formatGpuCheck } from './gpu-check.ts';
export type { GpuCheckOptions, GpuCheckResult, GpuCheckRow } from './gpu-check.ts';

// report + metrics (issue 5)
export { createCollapseAnalysis, ANALYSIS_DEFAULTS, decodeFixedDraws, reconstruct, tenDigits } from './analysis.ts';
export type { AnalysisInfo, CollapseAnalysis, CollapseAnalysisOptions, CollapseMetrics } from './analysis.ts';
export { trainClassifier, loadClassifier, saveClassifier, loadOrTrainClassifier, accuracy, CLASSIFIER_DEFAULTS } from './metrics/classifier.ts';
export type { CachedClassifierOptions, Classifier, ClassifierConfig, ClassifierInfo, ClassifierOutputs, TrainClassifierOptions } from './metrics/classifier.ts';
export { fid, fitGaussian, frechetDistance } from './metrics/fid.ts';
export type { GaussianFit } from './metrics/fid.ts';
export { precisionRecall, PRECISION_RECALL_DEFAULTS } from './metrics/precision-recall.ts';
export type { PrecisionRecall } from './metrics/precision-recall.ts';
export { classHistogram, entropy } from './metrics/entropy.ts';
export { latentStd, meanStd } from './metrics/latent.ts';
export { features } from './metrics/features.ts';
export type { Features } from './metrics/features.ts';
export { writeReport, defaultReportPath } from './report/html.ts';
export type { ReportOptions, ReportResult } from './report/html.ts';
export { loadRun, loadRuns, expandRunDirs } from './report/runs.ts';
export type { RunSummary } from './report/runs.ts';
export { generationGrid } from './report/grids.ts';
export { renderCurves } from './report/charts.ts';
export { CURVE_FIELDS } from './report/curves.ts';

// theory (issue 4)
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

// celeba + conv (issue 6)
export { loadCeleba } from '../data/celeba.ts';
export type { Celeba, CelebaOptions } from '../data/celeba.ts';
export { openImageFile } from '../data/file-source.ts';
export type { FileImageSource, FileSourceOptions } from '../data/file-source.ts';
export { createConvVae, convPresetFor, CONV_CELEBA, CONV_MNIST } from '../models/conv-vae.ts';
export type { ConvModelOptions, ConvPreset, ConvVaeOptions } from '../models/conv-vae.ts';
export { createConvAutoencoder } from '../models/conv-autoencoder.ts';
export type { ConvAutoencoderOptions } from '../models/conv-autoencoder.ts';
export { openSynthetic } from './checkpoint.ts';
