/**
 * Tidy CSVs of runs: one row per generation of every run (records with their wall-clock fields, the
 * scheme and seed on every row, so tables join on scheme + generation), and one row per logged step.
 * Loads in pandas with integer generations and float losses (`pd.read_csv`).
 */
import { stringify } from 'csv-stringify/sync';
import { basename, dirname, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../run/atomic.ts';
import { EXPORT_FILES } from '../run/layout.ts';
import { expandRunDirs, isRunDir, readRun } from '../run/read.ts';
import { readSteps } from '../run/steps.ts';
import { schemeRank } from '../schemes.ts';

/** The two CSV tables of runs as text: a row per generation, and a row per logged step. */
export interface CsvTables {
  /** One row per complete generation of each run. */
  generations: string;
  /** One row per logged training step of each run (steps.jsonl). */
  steps: string;
  /** Runs and generation rows in the tables. */
  runs: number;
  rows: number;
}

/** Columns every generation row starts with; the records' fields follow in the order they first appear. */
const LEAD = ['run', 'scheme', 'seed', 'generation'];
const STEP_COLUMNS = ['run', 'scheme', 'seed', 'step', 'generation', 'epoch', 'loss', 'seconds'];

/**
 * The CSVs of the runs `paths` name (run directories, or experiment folders of them); every file is verified as
 * it is read.
 */
export async function runsCsv(paths: readonly string[]): Promise<CsvTables> {
  const dirs = await expandRunDirs(paths, schemeRank);
  const base = paths.length === 1 && !(await isRunDir(paths[0])) ? resolve(paths[0]) : commonParent(dirs);
  const rows: Record<string, unknown>[] = [];
  const stepRows: Record<string, unknown>[] = [];
  for (const dir of dirs) {
    const run = await readRun(dir);
    const label = relative(base, run.dir) || basename(run.dir);
    const scheme = String(run.info.config.scheme ?? run.records[0]?.scheme ?? '');
    for (const r of run.records) rows.push({ run: label, seed: run.info.seed, ...r, scheme: r.scheme });
    for (const s of await readSteps(run.dir)) stepRows.push({ run: label, scheme, seed: run.info.seed, ...s });
  }
  const columns = [...LEAD, ...new Set(rows.flatMap((r) => Object.keys(r)).filter((k) => !LEAD.includes(k)))];
  return {
    generations: stringify(
      rows.map((r) => columns.map((c) => cell(r[c]))),
      { header: true, columns },
    ),
    steps: stringify(
      stepRows.map((r) => STEP_COLUMNS.map((c) => cell(r[c]))),
      { header: true, columns: STEP_COLUMNS },
    ),
    runs: dirs.length,
    rows: rows.length,
  };
}

/** Lists and objects (epochLosses, classHistogram) as JSON in one cell; absent values empty (NaN in pandas). */
function cell(v: unknown): string | number | boolean {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return v as string | number | boolean;
}

function commonParent(dirs: readonly string[]): string {
  const parts = dirs.map((d) => dirname(resolve(d)).split('/'));
  const out: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0][i]); i++) out.push(parts[0][i]);
  return out.join('/') || '/';
}

/** exportCsv's options: the runs (or folders of runs) and where the CSVs go. */
export interface ExportCsvOptions {
  /** Run directories or experiment folders. */
  runs: readonly string[];
  /** Folder the CSVs are written to. Defaults to the one folder given (several: their common parent). */
  out?: string;
}

/** What exportCsv wrote: the two files' paths and how many rows and runs they hold. */
export interface ExportCsvResult {
  /** Paths of generations.csv and steps.csv. */
  generations: string;
  steps: string;
  runs: number;
  rows: number;
}

/** Writes generations.csv and steps.csv (each through a temporary name) for the runs given. */
export async function exportCsv(options: ExportCsvOptions): Promise<ExportCsvResult> {
  const tables = await runsCsv(options.runs);
  const out = resolve(
    options.out ?? (options.runs.length === 1 ? options.runs[0] : commonParent(await expandRunDirs(options.runs))),
  );
  const generations = resolve(out, EXPORT_FILES.generations);
  const steps = resolve(out, EXPORT_FILES.steps);
  await writeFileAtomic(generations, tables.generations);
  await writeFileAtomic(steps, tables.steps);
  return { generations, steps, runs: tables.runs, rows: tables.rows };
}
