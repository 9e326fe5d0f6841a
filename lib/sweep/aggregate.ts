/**
 * A sweep's results as tables:
 *
 *   summary.csv    long form, one row per run x generation: task, script, the grid's axes, scheme,
 *                  seed, generation, then every numeric field of the GenerationRecord
 *   aggregate.csv  one row per setting x generation x metric: the axes (seed excluded), scheme,
 *                  generation, metric, n, mean, sd, ci95Low, ci95High (Student's t, lib/sweep/stats.ts)
 *
 * A setting is everything that tells runs apart except the seed. summary.csv has every numeric
 * field; aggregate.csv leaves out the wall-clock fields (seconds, images/s, memory: they describe
 * the machine), bookkeeping (tensor and metric-sample counts) and what the scheme fixes in
 * advance (training-set size, real share, learning rate): none of them is a result with a spread.
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../run/atomic.ts';
import { AGGREGATE_CSV, SUMMARY_CSV } from './layout.ts';
import type { RunInfo } from '../run/info.ts';
import type { GenerationRecord } from '../record.ts';
import { TIMING_FIELDS } from '../record.ts';
import type { PlannedRun, PlannedTask, SweepPlan } from './plan.ts';
import { readRunResults } from './runs.ts';
import { meanCi } from './stats.ts';

/** One value of a CSV row. */
export type Cell = string | number;
/** One CSV row, by column name. */
export type Row = Record<string, Cell>;

/** One run of a sweep task, read back: its task, its planned run, its run.json and its records. */
export interface RunResult {
  task: PlannedTask;
  run: PlannedRun;
  info: RunInfo;
  records: GenerationRecord[];
}

/** Record fields in the order the tables show them; other numeric fields follow by name. */
const FIELD_ORDER = [
  'trainSize',
  'realFraction',
  'trainLoss',
  'testLoss',
  'testRecon',
  'testKl',
  'fid',
  'classEntropy',
  'precision',
  'recall',
  'latentStd',
  'learningRate',
  'metricSamples',
  'numTensors',
  'seconds',
  'samplesPerSecond',
  'rssMB',
];
/** Numeric fields that are not results of the experiment. */
const NOT_AGGREGATED = new Set<string>([
  ...TIMING_FIELDS,
  'numTensors',
  'metricSamples',
  'trainSize',
  'realFraction',
  'learningRate',
]);

const AGGREGATE_STATS = ['n', 'mean', 'sd', 'ci95Low', 'ci95High'] as const;

/** The runs of the sweep that exist, with their records; and the ones that do not yet. */
/** A planned run left out of the tables, or counted only in part: `why`, when it is not simply unfinished. */
export interface RunGap {
  task: PlannedTask;
  run: PlannedRun;
  why?: string;
}

export async function collectRuns(
  dir: string,
  plan: SweepPlan,
): Promise<{ results: RunResult[]; missing: RunGap[]; partial: RunGap[] }> {
  const results: RunResult[] = [];
  const missing: RunGap[] = [];
  const partial: RunGap[] = [];
  for (const task of plan.tasks) {
    for (const run of task.runs) {
      const { result, problem } = await readRunResults(join(dir, run.dir), run);
      if (result && result.records.length > 0) results.push({ task, run, ...result });
      else missing.push({ task, run, why: problem });
      if (result && problem) partial.push({ task, run, why: problem });
    }
  }
  return { results, missing, partial };
}

/** The axes that become columns of their own: every axis but seed and scheme (which always have one). */
function axisColumns(plan: SweepPlan): string[] {
  return Object.keys(plan.grid.grid).filter((k) => k !== 'seed' && k !== 'scheme');
}

/** summary.csv and aggregate.csv as rows, before they are written. */
export interface Tables {
  summary: { columns: string[]; rows: Row[] };
  aggregate: { columns: string[]; rows: Row[] };
  /** Metrics of aggregate.csv, in column order. */
  metrics: string[];
  /** Setting columns (axes and scheme), the key of a line in the plots. */
  settingColumns: string[];
}

/** Both tables from the runs' records. */
export function sweepTables(plan: SweepPlan, results: readonly RunResult[]): Tables {
  const axes = axisColumns(plan);
  const settingColumns = [...axes, 'scheme'];
  const numeric = new Set<string>();
  for (const r of results)
    for (const rec of r.records)
      for (const [k, v] of Object.entries(rec)) if (typeof v === 'number' && k !== 'generation') numeric.add(k);
  const fields = [
    ...FIELD_ORDER.filter((f) => numeric.has(f)),
    ...[...numeric].filter((f) => !FIELD_ORDER.includes(f)).sort(),
  ];
  const summaryColumns = ['task', 'script', ...settingColumns, 'seed', 'generation', ...fields];
  const summary: Row[] = [];
  for (const r of results) {
    for (const rec of r.records) {
      const row: Row = { task: r.task.index, script: plan.grid.script };
      for (const a of axes) row[a] = r.task.settings[a] as Cell;
      row.scheme = r.run.scheme;
      row.seed = r.info.seed;
      row.generation = rec.generation;
      for (const f of fields) row[f] = typeof rec[f] === 'number' ? (rec[f] as number) : '';
      summary.push(row);
    }
  }

  const metrics = fields.filter((f) => !NOT_AGGREGATED.has(f));
  const groups = new Map<string, Row[]>();
  /** Each setting's rank: the summary row where it first appears. */
  const settingRank = new Map<string, number>();
  const settingKey = (row: Row) => JSON.stringify(settingColumns.map((c) => row[c]));
  for (const [i, row] of summary.entries()) {
    const key = JSON.stringify([...settingColumns.map((c) => row[c]), row.generation]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
    const setting = settingKey(row);
    if (!settingRank.has(setting)) settingRank.set(setting, i);
  }
  // Settings in the order their first task appears, generations ascending.
  const rank = (row: Row) => settingRank.get(settingKey(row)) as number;
  const ordered = [...groups.values()].sort(
    (a, b) => rank(a[0]) - rank(b[0]) || (a[0].generation as number) - (b[0].generation as number),
  );
  const aggregate: Row[] = [];
  for (const rows of ordered) {
    for (const metric of metrics) {
      const values = rows.map((r) => r[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === 0) continue;
      const s = meanCi(values);
      const row: Row = {};
      for (const c of settingColumns) row[c] = rows[0][c];
      Object.assign(row, {
        generation: rows[0].generation,
        metric,
        n: s.n,
        mean: s.mean,
        sd: cell(s.sd),
        ci95Low: cell(s.ci95Low),
        ci95High: cell(s.ci95High),
      });
      aggregate.push(row);
    }
  }
  return {
    summary: { columns: summaryColumns, rows: summary },
    aggregate: { columns: [...settingColumns, 'generation', 'metric', ...AGGREGATE_STATS], rows: aggregate },
    metrics,
    settingColumns,
  };
}

/** NaN (one seed: no spread) is an empty cell. */
function cell(v: number): Cell {
  return Number.isFinite(v) ? v : '';
}

/** CSV text with a header; numbers at full precision, so that two sweeps can be compared exactly. */
function toCsv(table: { columns: string[]; rows: Row[] }): string {
  return stringify(table.rows, { header: true, columns: table.columns, cast: { number: (v) => String(v) } });
}

/** Writes summary.csv and aggregate.csv into the sweep folder; returns their paths. */
export async function writeTables(dir: string, tables: Tables): Promise<{ summary: string; aggregate: string }> {
  const summary = join(dir, SUMMARY_CSV);
  const aggregate = join(dir, AGGREGATE_CSV);
  await writeFileAtomic(summary, toCsv(tables.summary));
  await writeFileAtomic(aggregate, toCsv(tables.aggregate));
  return { summary, aggregate };
}

/** One metric of aggregate.csv as a text table (setting, generation, n, mean, 95% interval). */
export function formatAggregate(tables: Tables, metric: string): string {
  const rows = tables.aggregate.rows.filter((r) => r.metric === metric);
  const num = (v: Cell) => (typeof v === 'number' ? v.toFixed(2) : '-');
  const table = [[...tables.settingColumns, 'gen', 'n', 'mean', 'sd', 'ci95Low', 'ci95High']];
  for (const r of rows)
    table.push([
      ...tables.settingColumns.map((c) => String(r[c])),
      String(r.generation),
      String(r.n),
      num(r.mean),
      num(r.sd),
      num(r.ci95Low),
      num(r.ci95High),
    ]);
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const text = table
    .map((r) =>
      r.map((c, i) => (i < tables.settingColumns.length ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '),
    )
    .join('\n');
  return `${metric}: mean over seeds and 95% confidence interval of the mean (Student's t)\n${text}\n`;
}
