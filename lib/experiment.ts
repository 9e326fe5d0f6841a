/**
 * An experiment: the same model and data trained generation after generation under one or more
 * schemes, one run directory per scheme under `out`. This is what the CLIs call.
 */
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { backendBanner, initBackend } from './backend.ts';
import type { BackendInfo } from './backend.ts';
import { completedGenerations, readRecords } from './checkpoint.ts';
import { trainGenerations } from './generations.ts';
import type { GenerationsOptions } from './generations.ts';
import { createProgress } from './progress.ts';
import type { Progress } from './progress.ts';
import type { GenerationRecord } from './record.ts';
import { plannedTrainSize, schemeName } from './schemes.ts';
import type { Scheme } from './schemes.ts';
import { stat } from 'node:fs/promises';
import { createCollapseAnalysis } from './analysis.ts';
import type { CollapseAnalysisOptions } from './analysis.ts';
import { writeReport } from './report/html.ts';

export interface ExperimentOptions extends Omit<GenerationsOptions, 'scheme' | 'runDir' | 'onBatch' | 'onEpochEnd' | 'onGenerationStart' | 'log'> {
  /** Schemes to run, one after the other. */
  schemes: Scheme[];
  /** Root folder: each scheme's run directory is out/<scheme>. */
  out: string;
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

export interface SchemeRun {
  scheme: string;
  dir: string;
  records: GenerationRecord[];
}

export interface ExperimentResult {
  backend: BackendInfo;
  runs: SchemeRun[];
  /** Path of report.html, when one was written. */
  report?: string;
}

export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const { schemes, out, json = false, stdout = process.stdout, stderr = process.stderr, progress: given, analysis: analysisOptions, report = false, ...common } = options;
  if (schemes.length === 0) throw new Error('No scheme given; expected at least one of replace, accumulate, sub, sub-repl, mix.');
  const names = schemes.map(schemeName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`Scheme '${dup}' is listed twice; expected each scheme once.`);
  const backend = await initBackend(common.backend ?? 'auto');
  stderr.write(backendBanner(backend) + '\n');

  const plan = await planExperiment({ ...common, schemes, out });
  const progress = given ?? createProgress({ stream: stderr, ...plan });
  const runs: SchemeRun[] = [];
  const analysis = analysisOptions && !common.analyze ? createCollapseAnalysis({ ...analysisOptions, model: common.model, seed: common.seed ?? 0, log: (line) => progress.log(line) }) : null;
  try {
    for (const scheme of schemes) {
      const name = schemeName(scheme);
      const dir = join(out, name);
      let batchImages = 0;
      const records = await trainGenerations({
        ...common,
        scheme,
        runDir: dir,
        analyze: common.analyze ?? analysis?.analyze,
        log: (line) => progress.log(`[${name}] ${line}`),
        onGenerationStart: (c) => progress.startGeneration(name, c.generation, c.generations, c.trainSize),
        onBatch: (c) => {
          progress.batch(name, c, c.images - batchImages);
          batchImages = c.batch === c.batches ? 0 : c.images;
        },
        onEpochEnd: (c) => progress.epochEnd(name, c),
        onGenerationEnd: async (r) => {
          progress.log(`[${name}] generation ${r.generation}: train loss ${r.trainLoss.toFixed(2)}, test loss ${r.testLoss.toFixed(2)} (${r.seconds.toFixed(1)} s, ${Math.round(r.samplesPerSecond)} images/s)`);
          if (json) stdout.write(JSON.stringify(r) + '\n');
          await common.onGenerationEnd?.(r);
        },
      });
      runs.push({ scheme: name, dir, records });
    }
  } finally {
    analysis?.dispose();
    progress.stop();
  }
  const page = report ? (await writeReport({ runs: runs.map((r) => r.dir), out: join(out, 'report.html') })).path : undefined;
  return { backend, runs, report: page };
}

export interface ExperimentPlan {
  /** Training images (epochs x training-set size, summed over generations and schemes). */
  totalImages: number;
  /** Of those, the images of generations already complete on disk (when resuming). */
  doneImages: number;
}

/** How much training an experiment holds, for ETAs. */
export async function planExperiment(options: Pick<ExperimentOptions, 'schemes' | 'out' | 'data' | 'generations' | 'epochs' | 'syntheticSize' | 'resume'>): Promise<ExperimentPlan> {
  const generations = options.generations ?? 7;
  const epochs = options.epochs ?? 10;
  const n = options.data.train.count;
  const synth = options.syntheticSize ?? n;
  let totalImages = 0;
  let doneImages = 0;
  for (const scheme of options.schemes) {
    const done = options.resume ? await completedIfRun(join(options.out, schemeName(scheme))) : 0;
    for (let g = 1; g <= generations; g++) {
      const size = epochs * plannedTrainSize(scheme, g, n, synth);
      totalImages += size;
      if (g <= done) doneImages += size;
    }
  }
  return { totalImages, doneImages };
}

async function completedIfRun(dir: string): Promise<number> {
  try {
    await stat(join(dir, 'run.json'));
  } catch {
    return 0;
  }
  return completedGenerations(dir);
}

/** Records of a finished or partial run directory (for reports). */
export async function readRun(dir: string): Promise<GenerationRecord[]> {
  return readRecords(dir, await completedGenerations(dir));
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
