/**
 * An experiment: the same model and data trained generation after generation under one or more
 * schemes, one run directory per scheme under `out`, one after the other in this process or side by
 * side in worker processes (`jobs`); one result either way. This is what the CLIs call.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ANALYSIS_DEFAULTS, createCollapseAnalysis } from './analysis.ts';
import type { CollapseAnalysisOptions } from './analysis.ts';
import { backendBanner, initBackend } from './backend.ts';
import { withHooks } from './experiment-hooks.ts';
import type { ExperimentHooks } from './experiment-hooks.ts';
import type { BackendInfo } from './backend.ts';
import { loadMnist } from '../data/mnist.ts';
import { runGenerations } from './generations.ts';
import { runInWorkers } from './jobs/pool.ts';
import type { WorkerOptions, WorkerSetup } from './jobs/protocol.ts';
import { progressHooks } from './jobs/scheme.ts';
import { loadOrTrainClassifier } from './metrics/classifier.ts';
import { checkClassifierDir, defaultClassifierDir } from './metrics/classifier-dir.ts';
import { checkBoolean, checkInteger, definedOnly, invalidOption, opt, OptionError, say } from './options.ts';
import { createProgress } from './progress.ts';
import type { Progress } from './progress.ts';
import type { GenerationRecord } from './record.ts';
import { checkReportPath, writeReport } from './report/html.ts';
import { GENERATION_DEFAULTS, resolveOptions } from './resolve.ts';
import type { GenerationsOptions, ResolvedOptions } from './resolve.ts';
import { experimentReport, schemeRunDir } from './run/layout.ts';
import { checkOutputFolder, checkRunDir } from './run/open.ts';
import { isRunDir } from './run/read.ts';
import { RunDir } from './run/run-dir.ts';
import { plannedTrainSize, schemeName, schemeNames } from './schemes.ts';
import type { Scheme } from './schemes.ts';

/** Options of runExperiment: trainGenerations' options, several schemes, an output folder, and how many run at once. */
export interface ExperimentOptions extends Omit<GenerationsOptions, 'scheme' | 'runDir' | 'onBatch' | 'onEpochEnd' | 'onGenerationStart' | 'log' | 'tensorboard'>, ExperimentHooks {
  /** TensorBoard event files: true writes them into each run directory's tensorboard/ folder, a path into <path>/<scheme>. Defaults to false. */
  tensorboard?: boolean | string;
  /** Schemes to run, each as { kind, ...its parameters }. */
  schemes: Scheme[];
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
   * How a worker process rebuilds the model factory and the data, which cannot be sent to it: a
   * module it imports and the function it calls (see WorkerSetup). Defaults to none (no workers).
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
  /** Per-generation grids and collapse metrics (lib/analysis.ts), shared by the schemes; `metrics: false` keeps only the grids. Ignored when `analyze` is given. Defaults to none. */
  analysis?: Omit<CollapseAnalysisOptions, 'model' | 'seed' | 'log'>;
  /** Write out/report.html (lib/report/html.ts) once every scheme is done. Defaults to false. */
  report?: boolean;
}

/** One scheme of an experiment: its name, run directory and records. */
export interface SchemeRun {
  scheme: string;
  dir: string;
  records: GenerationRecord[];
}

/** What runExperiment returns: each scheme's run, the backend, and the report's path. */
export interface ExperimentResult {
  backend: BackendInfo;
  runs: SchemeRun[];
  /** Path of report.html, when one was written. */
  report?: string;
}

/** Every scheme checked and resolved, its output folder checked: nothing is written before this succeeds. */
interface Plan {
  runs: { name: string; dir: string; resolved: ResolvedOptions }[];
  backend: BackendInfo;
  jobs: number;
}

export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const { schemes, out, jobs: _jobs, workerSetup, json = false, stdout = process.stdout, stderr = process.stderr, progress: given, analysis: analysisOptions, report = false, onBatch, onEpochEnd, onGenerationStart, log, ...common } = options;
  const plan = await resolveExperiment(options);
  const { backend, jobs } = plan;
  stderr.write(`${backendBanner(backend)}${jobs > 1 ? `; ${jobs} schemes at once, one process each` : ''}\n`);
  const progress = withHooks(given ?? createProgress({ stream: stderr, ...(await planExperiment({ ...common, schemes, out })) }), { onBatch, onEpochEnd, onGenerationStart, log });
  const onRecord = async (r: GenerationRecord) => {
    if (json) stdout.write(JSON.stringify(r) + '\n');
    await common.onGenerationEnd?.(r);
  };
  const analyze = analysisOptions && !common.analyze;
  let records: GenerationRecord[][];
  try {
    if (jobs > 1) {
      // Train (or load) the metrics classifier once here, not once in every worker.
      if (analyze && analysisOptions.metrics !== false) (await loadOrTrainClassifier({ dir: analysisOptions.classifierDir ?? defaultClassifierDir(), data: () => loadMnist(), log: (l) => progress.log(l) })).dispose();
      records = await runInWorkers({
        jobs: plan.runs.map((r) => ({ label: r.name, job: { kind: 'job', label: r.name, setup: workerSetup!, options: workerOptions(r.resolved), analysis: analyze ? analysisOptions : undefined } })),
        size: jobs,
        progress,
        onRecord: (_label, r) => onRecord(r),
        signal: common.signal,
      });
    } else {
      const analysis = analyze ? createCollapseAnalysis({ ...analysisOptions, model: common.model, seed: common.seed ?? 0, log: (line) => progress.log(line) }) : null;
      records = [];
      try {
        for (const r of plan.runs) records.push(await runGenerations({ ...r.resolved, analyze: common.analyze ?? analysis?.analyze, ...progressHooks(r.name, progress, onRecord) }));
      } finally {
        analysis?.dispose();
      }
    }
  } finally {
    progress.stop();
  }
  const runs = plan.runs.map((r, i) => ({ scheme: r.name, dir: r.dir, records: records[i] }));
  const page = report ? (await writeReport({ runs: runs.map((r) => r.dir), out: experimentReport(out) })).path : undefined;
  return { backend, runs, report: page };
}

/** Checks the experiment's own options and every scheme's run (settings and output folder) before any starts. */
async function resolveExperiment(options: ExperimentOptions): Promise<Plan> {
  const { schemes, out, jobs, workerSetup, json, report, analysis, stdout, stderr, progress, onBatch, onEpochEnd, onGenerationStart, log, ...common } = options;
  const names = schemeNames(schemes);
  if (!(typeof out === 'string' && out.length > 0)) throw invalidOption('out', out, 'a non-empty path');
  for (const [k, v] of Object.entries({ json, report })) if (v !== undefined) checkBoolean(k, v);
  if (workerSetup !== undefined && !(typeof workerSetup?.module === 'string' && workerSetup.module.length > 0)) throw invalidOption('workerSetup', workerSetup, "{ module: a file URL or path, export?: a function's name, args? }");
  if (jobs !== undefined) checkInteger('jobs', jobs, 1);
  if ((jobs ?? 1) > 1 && !workerSetup) throw new OptionError('jobs', jobs, say`${opt('jobs')} ${jobs} needs ${opt('workerSetup')} (how each worker process rebuilds the model and the data); expected jobs: 1 or a workerSetup.`);
  if ((jobs ?? 1) > 1 && analysis?.classifier) throw new OptionError('analysis.classifier', analysis.classifier, say`analysis.classifier is a function, which cannot reach worker processes; expected ${opt('jobs', 1)} or analysis.classifierDir.`);
  await checkOutputFolder('out', out);
  // The report at the end must not replace a page or pictures of the user's: found now, not after hours of training.
  if (report) await checkReportPath('out', experimentReport(out));
  // The classifier folder is replaced when the classifier is trained: refused now if it holds files of the user's.
  if (analysis && !common.analyze && analysis.metrics !== false && !analysis.classifier) await checkClassifierDir(analysis.classifierDir ?? defaultClassifierDir(), 'analysis.classifierDir');
  const backend = await initBackend(common.backend ?? 'auto', { wasmThreads: common.wasmThreads });
  // The collapse analysis adds fields and files to every record: its settings are part of each run's configuration.
  const config = analysis && !common.analyze ? { ...common.config, analysis: analysisSettings(analysis) } : common.config;
  const runs: Plan['runs'] = [];
  for (const [i, scheme] of schemes.entries()) {
    const dir = schemeRunDir(out, names[i]);
    const tensorboard = typeof common.tensorboard === 'string' ? join(common.tensorboard, names[i]) : common.tensorboard;
    const resolved = await resolveOptions({ ...common, config, scheme, runDir: dir, tensorboard }, backend);
    await checkRunDir(dir, resolved.runInfo, { resume: resolved.resume, force: resolved.force, mayChange: ['learningRate'] });
    runs.push({ name: names[i], dir, resolved });
  }
  const size = workerSetup ? Math.min(schemes.length, jobs ?? defaultJobs(backend, schemes.length)) : 1;
  return { runs, backend, jobs: size };
}

/** What of the collapse analysis' options changes the records (not where the classifier is cached, nor the log). */
function analysisSettings(a: NonNullable<ExperimentOptions['analysis']>): Record<string, unknown> {
  const { metrics, metricSamples, k, fixedDraws, batchSize } = { ...ANALYSIS_DEFAULTS, ...definedOnly(a) };
  return metrics ? { metrics, metricSamples, k, fixedDraws, batchSize, classifier: a.classifier ? 'given' : 'mnist' } : { metrics, fixedDraws, batchSize };
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
    scheme: r.scheme,
    generations: r.generations,
    epochs: r.epochs,
    steps: r.steps,
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    syntheticSize: r.syntheticSize,
    evalBatchSize: r.evalBatchSize,
    seed: r.seed,
    warmStart: r.warmStart,
    backend: r.backend.name as WorkerOptions['backend'],
    ...(r.backend.threads ? { wasmThreads: r.backend.threads } : {}),
    runDir: r.runDir,
    resume: r.resume,
    force: r.force,
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
export async function planExperiment(options: Pick<ExperimentOptions, 'schemes' | 'out' | 'data' | 'generations' | 'epochs' | 'steps' | 'batchSize' | 'syntheticSize' | 'resume'>): Promise<ExperimentPlan> {
  const generations = options.generations ?? 7;
  const epochs = options.epochs ?? 10;
  const n = options.data.train.count;
  const synth = options.syntheticSize ?? n;
  let totalImages = 0;
  let doneImages = 0;
  for (const scheme of options.schemes) {
    const dir = schemeRunDir(options.out, schemeName(scheme));
    const done = options.resume && (await isRunDir(dir)) ? await new RunDir(dir).completed() : 0;
    for (let g = 1; g <= generations; g++) {
      const size = options.steps !== undefined ? options.steps * (options.batchSize ?? GENERATION_DEFAULTS.batchSize) : epochs * plannedTrainSize(scheme, g, n, synth);
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
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

