/**
 * An experiment: the same model and data trained generation after generation under one or more
 * schemes, one run directory per scheme under `out`, one after the other in this process or side by
 * side in worker processes (`jobs`); one result either way. This is what the CLIs call.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { collapseAnalysisSettings, createCollapseAnalysis } from './analysis.ts';
import type { CollapseAnalysisOptions } from './analysis.ts';
import { bindDependencies, DEPENDENCY_KEYS } from './analysis-dependencies.ts';
import { backendBanner, initBackend } from './backend.ts';
import type { BackendInfo } from './backend.ts';
import { BACKEND_CHOICES } from './backend-choices.ts';
import type { BackendChoice } from './backend-choices.ts';
import { withHooks } from './experiment-hooks.ts';
import type { ExperimentHooks } from './experiment-hooks.ts';
import { runGenerations } from './generations.ts';
import { runInWorkers } from './jobs/pool.ts';
import type { WorkerBuild, WorkerOptions, WorkerSetup } from './jobs/protocol.ts';
import { progressHooks } from './jobs/scheme.ts';
import { pickSettings } from './declare.ts';
import { buildFamily, checkFamilySettings } from './families/build.ts';
import { familyOf } from './families/index.ts';
import { withRunDefaults } from './families/run-settings.ts';
import type { FamilyAnalysis, FamilyCheckContext } from './families/types.ts';
import { checkClassifierDir, defaultClassifierDir, defaultClassifierDirSource } from './metrics/classifier-dir.ts';
import { checkBoolean, checkInteger, invalidOption, opt, OptionError, say } from './options.ts';
import { createProgress } from './progress.ts';
import type { Progress } from './progress.ts';
import type { GenerationRecord } from './record.ts';
import { checkReportPath, writeReport } from './report/html.ts';
import { resolveOptions } from './resolve.ts';
import type { GenerationData, GenerationsOptions, ResolvedOptions } from './resolve.ts';
import { RUN_DEFAULTS, RUN_SETTINGS } from './run-settings.ts';
import { experimentReport, schemeRunDir } from './run/layout.ts';
import { checkOutputFolder, checkRunDir } from './run/open.ts';
import { isRunDir } from './run/read.ts';
import { RunDir } from './run/run-dir.ts';
import { plannedTrainSize, SCHEME_NAMES, schemeName, schemeNames } from './schemes.ts';
import type { Scheme } from './schemes.ts';

type OwnOptions =
  'scheme' | 'runDir' | 'onBatch' | 'onEpochEnd' | 'onGenerationStart' | 'log' | 'model' | 'data' | 'tensorboard';

/** Options of runExperiment: trainGenerations' options, several schemes, an output folder, and how many run at once. */
export interface ExperimentOptions extends Omit<GenerationsOptions, OwnOptions>, ExperimentHooks {
  /**
   * TensorBoard event files: true writes them into each run directory's tensorboard/ folder, a path
   * into <path>/<scheme>. Defaults to false.
   */
  tensorboard?: boolean | string;
  /**
   * A registered family (lib/families: 'mnist-vae', 'mnist-ae', 'celeba-conv-vae', 'text-gpt'): the
   * data, the model factory and the analysis are built from it and `settings`, in this process and
   * in every worker process; where the family defaults a run setting otherwise (e.g. text-gpt's
   * batchSize), its default applies. Give either a family or your own `model` and `data`. Defaults to none.
   */
  family?: string;
  /** The family's own settings (its table in lib/families), as plain data. Defaults to the family's defaults. */
  settings?: Record<string, unknown>;
  /** Your own model factory, with `data` (and `workerSetup` for jobs > 1), instead of a family. */
  model?: GenerationsOptions['model'];
  /** The real data for your own `model`. */
  data?: GenerationData;
  /** Progress of loading a family's data (e.g. decoding CelebA into its cache). Defaults to none. */
  onLoadProgress?: (what: string, done: number, total: number) => void;
  /**
   * Schemes to run, each as { kind, ...its parameters }; with a family that has a default fresh size,
   * { kind: 'fresh' } without one.
   */
  schemes: ExperimentScheme[];
  /** Root folder: each scheme's run directory is out/<scheme name>. */
  out: string;
  /**
   * Schemes trained at once. 1 trains them one after the other in this process; more start that
   * many worker processes, one scheme each (they need `workerSetup`). Defaults to 1 without a
   * workerSetup; with one, to one per scheme up to the CPU cores on wasm and cpu (which use one core
   * each), and 1 on tensorflow (which uses every core or the GPU).
   */
  jobs?: number;
  /**
   * How a worker process rebuilds your own model factory and data, which cannot be sent to it: a
   * module it imports and the function it calls (see WorkerSetup). Not needed with a `family`,
   * which workers rebuild from its name and settings. Defaults to none.
   */
  workerSetup?: WorkerSetup;
  /** Print each GenerationRecord as a JSON line on `stdout`. Defaults to false. */
  json?: boolean;
  /** Where results go. Defaults to process.stdout. */
  stdout?: Writable;
  /** Where progress and notes go. Defaults to process.stderr. */
  stderr?: Writable & { isTTY?: boolean };
  /** Receives progress events. Defaults to bars or lines on `stderr` (createProgress). */
  progress?: Progress;
  /**
   * Per-generation grids and collapse metrics (lib/analysis.ts), shared by the schemes; `metrics: false` keeps
   * only the grids. Ignored when `analyze` is given. Defaults to none.
   */
  analysis?: Omit<CollapseAnalysisOptions, 'model' | 'seed' | 'log'>;
  /** Write out/report.html (lib/report/html.ts) once every scheme is done. Defaults to false. */
  report?: boolean;
}

/**
 * A scheme of an experiment: 'fresh' may leave out its size when the family gives one (text-gpt: 10% of the
 * training windows).
 */
export type ExperimentScheme = Scheme | { kind: 'fresh'; freshSize?: undefined };

/** One scheme's run of an experiment: its name, run directory and records. */
export interface SchemeRun {
  scheme: string;
  dir: string;
  records: GenerationRecord[];
}

/** What runExperiment returns: the backend it ran on, each scheme's run, and the report's path. */
export interface ExperimentResult {
  backend: BackendInfo;
  runs: SchemeRun[];
  /** Path of report.html, when one was written. */
  report?: string;
  /** A family's data description (run.json's config records it too), e.g. { dataset: 'mnist' }. */
  data?: Record<string, unknown>;
}

/** Every scheme checked and resolved, its output folder checked: nothing is written before this succeeds. */
interface Plan {
  runs: { name: string; dir: string; resolved: ResolvedOptions }[];
  backend: BackendInfo;
  jobs: number;
  /** How a worker process rebuilds the model and the data: the family's JSON, or the caller's setup module. */
  build?: WorkerBuild;
}

export async function runExperiment(input: ExperimentOptions): Promise<ExperimentResult> {
  const options = input.family ? withRunDefaults(familyOf(input.family), input) : input;
  const {
    out,
    json = false,
    stdout = process.stdout,
    stderr = process.stderr,
    progress: given,
    report = false,
  } = options;
  const hooks = {
    onBatch: options.onBatch,
    onEpochEnd: options.onEpochEnd,
    onGenerationStart: options.onGenerationStart,
    log: options.log,
  };
  const checked = checkExperiment(options);
  // Notes go to stderr until the progress display starts, then through it.
  let note = (line: string): void => {
    stderr.write(`${line}\n`);
  };
  const log = (line: string) => note(line);
  const build = {
    freshPool: checked.fresh,
    log,
    onProgress: options.onLoadProgress,
    seed: options.seed ?? 0,
    analysis: true,
  };
  const built = options.family ? await buildFamily(options.family, options.settings ?? {}, build) : undefined;
  const own = built ? { model: built.model, data: built.data, config: { ...built.config, ...options.config } } : {};
  const synthetic = { syntheticSize: options.syntheticSize ?? built?.syntheticSize };
  const common = { ...options, ...own, ...synthetic, schemes: withFreshSizes(options.schemes, built?.freshSize) };
  // A family's analysis, else the collapse analysis the caller asked for (unless an own analyze hook).
  const analysis: FamilyAnalysis | undefined = common.analyze
    ? undefined
    : (built?.analysis ?? collapseAnalysis(common, log));
  const plan = await resolveExperiment(common, analysis);
  const { backend, jobs } = plan;
  stderr.write(`${backendBanner(backend)}${jobs > 1 ? `; ${jobs} schemes at once, one process each` : ''}\n`);
  const planned = await planExperiment({ ...common, data: common.data! });
  const progress = withHooks(given ?? createProgress({ stream: stderr, ...planned }), hooks);
  note = (line) => progress.log(line);
  const onRecord = async (r: GenerationRecord) => {
    if (json) stdout.write(JSON.stringify(r) + '\n');
    await common.onGenerationEnd?.(r);
  };
  let records: GenerationRecord[][];
  try {
    if (jobs > 1) {
      // What the analysis needs (e.g. its classifier) is made once here, not once in every worker.
      await analysis?.prepare?.();
      analysis?.dispose();
      const extra = common.analysis && !built && analysis ? common.analysis : undefined;
      records = await runInWorkers({
        jobs: plan.runs.map((r) => ({
          label: r.name,
          job: { kind: 'job', label: r.name, build: plan.build!, options: workerOptions(r.resolved), analysis: extra },
        })),
        size: jobs,
        progress,
        onRecord: (_label, r) => onRecord(r),
        signal: common.signal,
      });
    } else {
      records = [];
      try {
        for (const r of plan.runs)
          records.push(
            await runGenerations({
              ...r.resolved,
              analyze: common.analyze ?? analysis?.analyze,
              ...progressHooks(r.name, progress, onRecord),
            }),
          );
      } finally {
        analysis?.dispose();
      }
    }
  } finally {
    progress.stop();
  }
  const runs = plan.runs.map((r, i) => ({ scheme: r.name, dir: r.dir, records: records[i] }));
  const page = report
    ? (await writeReport({ runs: runs.map((r) => r.dir), out: experimentReport(out) })).path
    : undefined;
  return { backend, runs, report: page, ...(built ? { data: built.config } : {}) };
}

/** The schemes with a family's default size given to a 'fresh' that has none. */
function withFreshSizes(schemes: readonly ExperimentScheme[], freshSize: number | undefined): Scheme[] {
  const sized = (s: ExperimentScheme): Scheme =>
    s?.kind === 'fresh' && s.freshSize === undefined ? { kind: 'fresh', freshSize: freshSize! } : (s as Scheme);
  return freshSize === undefined ? (schemes as Scheme[]) : schemes.map(sized);
}

/** The collapse analysis of `analysis` options, for an experiment of the caller's own model and data. */
function collapseAnalysis(o: ExperimentOptions, log: (line: string) => void): FamilyAnalysis | undefined {
  if (!o.analysis) return undefined;
  const a = createCollapseAnalysis({ ...o.analysis, model: o.model!, seed: o.seed ?? 0, log });
  return { ...a, settings: collapseAnalysisSettings(o.analysis) };
}

/** Checks, loading and writing nothing, the options that say what to build: a family or a model with its data. */
function checkExperiment(options: ExperimentOptions): { fresh: boolean } {
  const { out, jobs, workerSetup, json, report, family, settings } = options;
  // A 'fresh' without a size is checked with a stand-in size when the family gives a default once its data is loaded.
  const defaultFresh = family !== undefined && familyOf(family).freshSize !== undefined;
  const schemes = withFreshSizes(options.schemes, defaultFresh ? 1 : undefined);
  schemeNames(schemes);
  if (!(typeof out === 'string' && out.length > 0)) throw invalidOption('out', out, 'a non-empty path');
  for (const [k, v] of Object.entries({ json, report })) if (v !== undefined) checkBoolean(k, v);
  if (workerSetup !== undefined && !(typeof workerSetup?.module === 'string' && workerSetup.module.length > 0))
    throw badWorkerSetup(workerSetup);
  if (jobs !== undefined) checkInteger('jobs', jobs, 1);
  const fresh = schemes.some((s) => s.kind === 'fresh');
  if (family === undefined) {
    if ((jobs ?? 1) > 1 && !workerSetup) throw needsWorkerSetup(jobs!);
    return { fresh };
  }
  if (options.model !== undefined || options.data !== undefined) throw familyAndModel();
  const f = familyOf(family);
  checkFamilySettings(f, settings ?? {}, familyCheckContext(options));
  if (fresh && !f.freshPool) throw noFreshPool(f.title, f.name);
  return { fresh };
}

/**
 * The batch size and backend a family's memory check weighs: as given when valid (else checked later), else the
 * defaults (the family's own are already in `o`: withRunDefaults).
 */
function familyCheckContext(o: ExperimentOptions): FamilyCheckContext {
  const given = o.batchSize;
  const batchSize = Number.isSafeInteger(given) && given! > 0 ? given! : (RUN_DEFAULTS.batchSize as number);
  const backend = BACKEND_CHOICES.includes(o.backend as BackendChoice) ? o.backend! : 'auto';
  return { batchSize, backend };
}

function badWorkerSetup(workerSetup: unknown): OptionError {
  return invalidOption('workerSetup', workerSetup, "{ module: a file URL or path, export?: a function's name, args? }");
}

function needsWorkerSetup(jobs: number): OptionError {
  const sentence = [
    ...say`${opt('jobs')} ${jobs} needs ${opt('workerSetup')} (how each worker process rebuilds the model and the data); `,
    ...say`expected jobs: 1 or a workerSetup.`,
  ];
  return new OptionError('jobs', jobs, sentence);
}

function familyAndModel(): OptionError {
  const sentence = [
    ...say`${opt('family')} and ${opt('model')} were both given; `,
    ...say`expected a family (its model and data are built from its settings) or your own model and data.`,
  ];
  return new OptionError('family', undefined, sentence);
}

function noFreshPool(title: string, name: string): OptionError {
  const others = SCHEME_NAMES.filter((n) => n !== 'fresh').join(', ');
  const sentence = [
    ...say`${opt('schemes', 'fresh')} is not available for ${title}: the family ${name} gives it no pool of unused real images; `,
    ...say`expected one of ${others}.`,
  ];
  return new OptionError('schemes', 'fresh', sentence);
}

/** An experiment's options once every scheme has its parameters. */
type Resolvable = Omit<ExperimentOptions, 'schemes'> & { schemes: Scheme[] };

/** Checks the experiment's own options and every scheme's run (settings and output folder) before any starts. */
async function resolveExperiment(
  options: Resolvable & { model?: unknown },
  analysis: FamilyAnalysis | undefined,
): Promise<Plan> {
  const {
    schemes,
    out,
    jobs,
    workerSetup,
    report,
    json,
    stdout,
    stderr,
    progress,
    family,
    settings,
    onLoadProgress,
    ...rest
  } = options;
  // The experiment's own hooks take the scheme's label; runs get theirs from progressHooks.
  const { onBatch, onEpochEnd, onGenerationStart, log, analysis: _analysis, tensorboard, ...common } = rest;
  const names = schemeNames(schemes);
  if ((jobs ?? 1) > 1 && options.analysis?.classifier) throw classifierInWorkers(options.analysis.classifier);
  await checkOutputFolder('out', out);
  // The report at the end must not replace a page or pictures of the user's: found now, not after hours of training.
  if (report) await checkReportPath('out', experimentReport(out));
  // The classifier folder is replaced when the classifier is trained: refused now if it holds files of the user's.
  const a = analysis?.settings;
  if (a?.metrics && a.classifier === 'mnist') {
    const given = (options.settings?.classifierDir as string | undefined) ?? options.analysis?.classifierDir;
    await checkClassifierDir(
      classifierDirOf(options),
      classifierOption(options),
      given === undefined ? defaultClassifierDirSource() : undefined,
    );
  }
  const backend = await initBackend(common.backend ?? 'auto', { wasmThreads: common.wasmThreads });
  // The analysis adds fields and files to every record: its settings are part of each run's configuration.
  const config = analysis ? { ...common.config, analysis: analysis.settings } : common.config;
  const runs: Plan['runs'] = [];
  for (const [i, scheme] of schemes.entries()) {
    const dir = schemeRunDir(out, names[i]);
    const board = typeof tensorboard === 'string' ? join(tensorboard, names[i]) : tensorboard;
    const resolved = await resolveOptions(
      { ...(common as GenerationsOptions), config, scheme, runDir: dir, tensorboard: board },
      backend,
    );
    const mayChange = ['learningRate', ...DEPENDENCY_KEYS];
    await checkRunDir(dir, resolved.runInfo, { resume: resolved.resume, force: resolved.force, mayChange });
    runs.push({ name: names[i], dir, resolved });
  }
  // What the analysis' numbers depend on (its classifier, loaded or trained now, once every cheap check has passed).
  const dependencies = (await analysis?.dependencies?.()) ?? {};
  const given = options.analysis?.classifier !== undefined && !family;
  await bindDependencies(
    runs,
    dependencies,
    given ? 'analysis.classifier' : classifierOption(options),
    given ? undefined : classifierDirOf(options),
  );
  const build: WorkerBuild | undefined = family
    ? { family, settings: settings ?? {} }
    : workerSetup
      ? { setup: workerSetup }
      : undefined;
  const size = build ? Math.min(schemes.length, jobs ?? defaultJobs(backend, schemes.length)) : 1;
  return { runs, backend, jobs: size, build };
}

function classifierInWorkers(classifier: unknown): OptionError {
  const sentence = say`analysis.classifier is a function, which cannot reach worker processes; expected ${opt('jobs', 1)} or analysis.classifierDir.`;
  return new OptionError('analysis.classifier', classifier, sentence);
}

/** Where the metrics' classifier is cached: the family's classifierDir setting, or the analysis option. */
function classifierDirOf(o: ExperimentOptions): string {
  return (o.settings?.classifierDir as string | undefined) ?? o.analysis?.classifierDir ?? defaultClassifierDir();
}

function classifierOption(o: ExperimentOptions): string {
  return o.family ? 'classifierDir' : 'analysis.classifierDir';
}

/** How many schemes to run at once when `jobs` is not given. */
export function defaultJobs(backend: BackendInfo, schemes: number): number {
  // Native TensorFlow (CPU or GPU) already uses every core or the whole GPU: one run at a time.
  if (backend.name === 'tensorflow' || backend.name === 'webgpu') return 1;
  return Math.max(1, Math.min(schemes, availableParallelism()));
}

/** The plain-data part of a resolved run, for a worker process (it resolves them again, and checks the same). */
function workerOptions(r: ResolvedOptions): WorkerOptions {
  return {
    ...pickSettings(RUN_SETTINGS, r as unknown as Record<string, unknown>),
    scheme: r.scheme,
    steps: r.steps,
    backend: r.backend.name as WorkerOptions['backend'],
    ...(r.backend.threads ? { wasmThreads: r.backend.threads } : {}),
    runDir: r.runDir,
    memoryBudget: r.memoryBudget,
    config: r.config,
    logEvery: r.logEvery,
    tensorboard: r.tensorboard,
    // Recorded in the run.json the worker writes (never checked on resume).
    placement: r.runInfo.placement,
    provenance: r.runInfo.provenance,
  };
}

/** What runExperiment will train: the training images in all, and those already done on disk. */
export interface ExperimentPlan {
  /** Training images (epochs x training-set size, summed over generations and schemes). */
  totalImages: number;
  /** Of those, the images of generations already complete on disk (when resuming). */
  doneImages: number;
}

/** How much training an experiment holds, for ETAs. */
export async function planExperiment(
  options: Pick<
    Resolvable,
    'schemes' | 'out' | 'generations' | 'epochs' | 'steps' | 'batchSize' | 'syntheticSize' | 'resume'
  > & {
    data: GenerationData;
  },
): Promise<ExperimentPlan> {
  const generations = options.generations ?? RUN_DEFAULTS.generations!;
  const epochs = options.epochs ?? RUN_DEFAULTS.epochs!;
  const n = options.data.train.count;
  const synth = options.syntheticSize ?? n;
  let totalImages = 0;
  let doneImages = 0;
  for (const scheme of options.schemes) {
    const dir = schemeRunDir(options.out, schemeName(scheme));
    const done = options.resume && (await isRunDir(dir)) ? await new RunDir(dir).completed() : 0;
    for (let g = 1; g <= generations; g++) {
      const size =
        options.steps !== undefined
          ? options.steps * (options.batchSize ?? RUN_DEFAULTS.batchSize!)
          : epochs * plannedTrainSize(scheme, g, n, synth);
      totalImages += size;
      if (g <= done) doneImages += size;
    }
  }
  return { totalImages, doneImages };
}

/** A table with a row per generation and train / test loss columns per scheme. */
export function formatLossTable(runs: readonly SchemeRun[]): string {
  const generations = Math.max(0, ...runs.map((r) => r.records.length));
  const header = ['gen', ...runs.flatMap((r) => [`${r.scheme} train`, `${r.scheme} test`])];
  const rows = [header];
  for (let g = 1; g <= generations; g++) {
    const row = [String(g)];
    for (const run of runs) {
      const rec = run.records.find((r) => r.generation === g);
      row.push(rec ? rec.trainLoss.toFixed(2) : '-', rec ? rec.testLoss.toFixed(2) : '-');
    }
    rows.push(row);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') +
    '\n'
  );
}
