/**
 * `aggregate`: a sweep's results from its run directories: summary.csv, aggregate.csv, a chart per
 * metric, the sweep page (report.html) and every run side by side (runs.html, the run report).
 */
import { REPORT_FILE } from '../run/layout.ts';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../run/atomic.ts';
import { writeReport } from '../report/html.ts';
import { collectRuns, sweepTables, writeTables } from './aggregate.ts';
import type { RunResult, Tables } from './aggregate.ts';
import { sweepPage } from './page.ts';
import { readSweep } from './plan.ts';
import type { PlannedRun, PlannedTask } from './plan.ts';
import { writeSweepPlots } from './plots.ts';
import { sweepStatus } from './status.ts';
import type { QueueEntry, TaskStatus } from './status.ts';

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

export interface AggregateResult {
  tables: Tables;
  results: RunResult[];
  /** Runs with no complete generation yet (left out). */
  missing: { task: PlannedTask; run: PlannedRun }[];
  statuses: TaskStatus[];
  /** Every file written, the sweep page last. */
  files: string[];
  /** The sweep page (report.html in the sweep folder). */
  page: string;
}

export async function aggregateSweep(options: AggregateOptions): Promise<AggregateResult> {
  const { dir } = options;
  const plan = await readSweep(dir);
  const { results, missing } = await collectRuns(dir, plan);
  if (results.length === 0) throw new Error(`Sweep folder ${dir} has no run with a complete generation yet; expected at least one (run 'sweep.ts local' or 'sweep.ts slurm --submit' first).`);
  const tables = sweepTables(plan, results);
  const csv = await writeTables(dir, tables);
  const files = [csv.summary, csv.aggregate];
  const plots = options.plots === false ? [] : await writeSweepPlots(dir, tables);
  files.push(...plots.flatMap((p) => [join(dir, p.svg), join(dir, p.png)]));
  const statuses = await sweepStatus(dir, plan, { queue: options.queue });
  const taskReports = new Map<number, string>();
  for (const t of plan.tasks) if (await stat(join(dir, t.dir, REPORT_FILE)).catch(() => null)) taskReports.set(t.index, join(t.dir, REPORT_FILE));
  let runsReport: string | undefined;
  if (options.runsReport ?? true) {
    const report = await writeReport({ runs: results.map((r) => join(dir, r.run.dir)), out: join(dir, 'runs.html'), title: `Sweep ${dir}: every run`, curves: options.plots !== false });
    files.push(...report.files);
    runsReport = 'runs.html';
  }
  const page = join(dir, REPORT_FILE);
  await writeFileAtomic(page, sweepPage({ title: `Sweep ${dir}`, plan, statuses, tables, plots, taskReports, runsReport }));
  files.push(page);
  return { tables, results, missing, statuses, files, page };
}
