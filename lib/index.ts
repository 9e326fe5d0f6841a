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
export { initBackend, activeBackend, BACKEND_CHOICES } from './backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions } from './backend.ts';
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
export { benchModel, peakRssMB } from './bench.ts';
export type { BenchOptions, ModelBench } from './bench.ts';

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

// theory: Gaussian, linear and logistic regression simulated beside their closed forms (README "Theory")
/** The four schemes the simulators know, and Σ_{i<=k} 1/i² (eq. (6)'s accumulate factor). */
export { THEORY_SCHEMES, basel } from './theory/common.ts';
export type { Curve as TheoryCurve, ProgressCallback as TrialProgressCallback, TheoryScheme, TrialRunOptions } from './theory/common.ts';
/** A bad simulator option: `option`, `problem`, `given` (CLIs map `option` to their flag). */
export { OptionError } from './theory/fields.ts';
/** Each simulator: its fields (options with defaults and help), metrics, resolve(), simulate(), json(). */
export { gaussianSimulator, simulateGaussian } from './theory/gaussian.ts';
export type { Estimator as GaussianEstimator, GaussianConfig, GaussianJson, GaussianOptions, GaussianResult } from './theory/gaussian.ts';
export { regressionSimulator, simulateRegression } from './theory/regression.ts';
export type { Design as RegressionDesign, RegressionConfig, RegressionJson, RegressionOptions, RegressionResult } from './theory/regression.ts';
export { logisticSimulator, simulateLogistic } from './theory/logistic.ts';
export type { LogisticConfig, LogisticJson, LogisticOptions, LogisticResult } from './theory/logistic.ts';
/** The simulators by name (what the theory scripts look up). */
export { THEORY_SIMULATORS } from './theory/simulators.ts';
export type { TheoryExperimentName } from './theory/simulators.ts';
export type { Field as TheoryField } from './theory/fields.ts';
export type { MetricSpec as TheoryMetricSpec, SharedConfig as TheorySharedConfig, Simulator as TheorySimulator } from './theory/simulator.ts';
/** Simulate several schemes, print the table or JSON lines, draw the figure (what the scripts run). */
export { runTheory, formatTheoryTable, theoryJson, THEORY_METRICS, DEFAULT_PLOT, FIGURE_6 } from './theory/run.ts';
export type { TheoryExperiment, TheoryMetric, TheoryPlot, TheoryResult, TheoryRunOptions } from './theory/run.ts';
/** Line charts, one panel or several side by side, to SVG, PNG or PDF (vega-lite). */
export { lineChartSpec, panelChartSpec, renderChartSvg, renderChartPdf, renderLineChartSvg, svgToPng, writeChart, writeChartTo, writeLineChart, writeLineChartTo, PLOT_EXTENSIONS } from './report/plot.ts';
export type { Chart, ChartPanel, LineChart, LineSeries, PanelChart, PlotOutput } from './report/plot.ts';

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
