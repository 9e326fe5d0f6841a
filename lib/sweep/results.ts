/**
 * `aggregate`: a sweep's results from its run directories: summary.csv, aggregate.csv, a chart per
 * metric, the sweep page (report.html) and every run side by side (runs.html, the run report).
 */
import { REPORT_FILE } from '../run/layout.ts';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkReportPath, writeReport } from '../report/html.ts';
import { checkReportTarget, writeOwnedReport } from '../report/ownership.ts';
import { collectRuns, sweepTables, writeTables } from './aggregate.ts';
import type { RunGap, RunResult, Tables } from './aggregate.ts';
import { sweepPage } from './page.ts';
import { readSweep } from './plan.ts';
import { RUNS_REPORT } from './layout.ts';
import { PLOTS_DIR, renderSweepPlots } from './plots.ts';
import { sweepStatus } from './status.ts';
import type { QueueEntry, TaskStatus } from './status.ts';

/** What aggregateSweep reads and writes: the sweep folder, the charts, the metric it prints. */
export interface AggregateOptions {
  /** The sweep folder. */
  dir: string;
  /** Draw the charts (the slowest part). Defaults to true. */
  plots?: boolean;
  /** Write runs.html, the run report of every run side by side. Defaults to true. */
  runsReport?: boolean;
  /** This sweep's entries in the Slurm queue, for the task states on the page. Defaults to none. */
  queue?: readonly QueueEntry[] | null;
}

/** What aggregateSweep wrote (tables, files, page), the runs it read, and the tasks it could not read. */
export interface AggregateResult {
  tables: Tables;
  results: RunResult[];
  /** Runs with no complete generation yet, or not the planned run (left out; `why` says which). */
  missing: RunGap[];
  /** Runs counted only up to a generation that does not verify (`why`). */
  partial: RunGap[];
  statuses: TaskStatus[];
  /** Every file written, the sweep page last. */
  files: string[];
  /** The sweep page (report.html in the sweep folder). */
  page: string;
}

/**
 * Reads every run of a sweep and writes summary.csv, aggregate.csv (mean and 95% interval per setting), the
 * charts and the sweep's pages.
 */
export async function aggregateSweep(options: AggregateOptions): Promise<AggregateResult> {
  const { dir } = options;
  const plan = await readSweep(dir);
  const { results, missing, partial } = await collectRuns(dir, plan);
  if (results.length === 0)
    throw new Error(
      `Sweep folder ${dir} has no run with a complete generation yet; expected at least one (run ` +
        `'sweep.ts local' or 'sweep.ts slurm --submit' first).`,
    );
  const tables = sweepTables(plan, results);
  const page = join(dir, REPORT_FILE);
  const plotsDir = join(dir, PLOTS_DIR);
  const runsReport = (options.runsReport ?? true) ? RUNS_REPORT : undefined;
  // The pages and pictures replace only their own earlier versions: checked before the first file is written.
  await checkReportTarget(
    'dir',
    page,
    plotsDir,
    options.plots === false ? [] : tables.metrics.flatMap((m) => [`${m}.svg`, `${m}.png`]),
  );
  if (runsReport) await checkReportPath('dir', join(dir, runsReport));
  const csv = await writeTables(dir, tables);
  const files = [csv.summary, csv.aggregate];
  const { plots, pictures } =
    options.plots === false
      ? { plots: [], pictures: new Map<string, Uint8Array | string>() }
      : await renderSweepPlots(tables);
  const statuses = await sweepStatus(dir, plan, { queue: options.queue });
  const taskReports = new Map<number, string>();
  for (const t of plan.tasks)
    if (await stat(join(dir, t.dir, REPORT_FILE)).catch(() => null)) taskReports.set(t.index, join(t.dir, REPORT_FILE));
  if (runsReport) {
    const report = await writeReport({
      runs: results.map((r) => join(dir, r.run.dir)),
      out: join(dir, runsReport),
      title: `Sweep ${dir}: every run`,
      curves: options.plots !== false,
    });
    files.push(...report.files);
  }
  // plots/ is the sweep page's pictures folder: a chart of a metric no longer aggregated is deleted with it.
  await mkdir(plotsDir, { recursive: true });
  files.push(
    ...(await writeOwnedReport(
      'dir',
      page,
      plotsDir,
      sweepPage({ title: `Sweep ${dir}`, plan, statuses, tables, plots, taskReports, runsReport }),
      pictures,
    )),
  );
  return { tables, results, missing, partial, statuses, files, page };
}
