/** The runs a report shows: each read once through the run-directory reader (lib/run/read.ts), with its analysis files. */
import { basename } from 'node:path';
import type { AnalysisInfo } from '../analysis.ts';
import { ANALYSIS_FILES } from '../run/layout.ts';
import { expandRunDirs, readRun } from '../run/read.ts';
import type { RunData } from '../run/read.ts';
import { schemeRank } from '../schemes.ts';


/** A run as the report reads it: readRun's data and each generation's analysis. */
export interface RunSummary extends RunData {
  /** analysis.json of each complete generation (null where the run had no analysis). */
  analyses: (AnalysisInfo | null)[];
  /** Model family from the config: 'vae', 'ae', or 'model' when unknown. */
  kind: string;
  scheme: string;
  seed: number;
  /** A short unique name, e.g. "vae replace (seed 0)". */
  label: string;
}

/** Reads a run directory for the report; throws one sentence when it is not one. */
export async function loadRun(dir: string): Promise<RunSummary> {
  const data = await readRun(dir);
  const analyses: (AnalysisInfo | null)[] = [];
  for (const { generation } of data.generations) {
    const bytes = await data.run.readOptional(generation, ANALYSIS_FILES.info);
    analyses.push(bytes ? (JSON.parse(bytes.toString('utf8')) as AnalysisInfo) : null);
  }
  const { info } = data;
  const model = (info.config.model ?? {}) as { kind?: string };
  const kind = typeof model.kind === 'string' ? model.kind : 'model';
  const scheme = typeof info.config.scheme === 'string' ? info.config.scheme : basename(data.dir);
  return { ...data, analyses, kind, scheme, seed: info.seed, label: `${kind} ${scheme} (seed ${info.seed})` };
}

/**
 * Reads several runs (a folder without run.json stands for the runs inside it, as an experiment's
 * output folder) and makes their labels unique (adding the folder name where two agree).
 */
export async function loadRuns(paths: readonly string[]): Promise<RunSummary[]> {
  if (paths.length === 0) throw new Error('No run directory given; expected at least one.');
  const runs: RunSummary[] = [];
  for (const d of await expandRunDirs(paths, schemeRank)) runs.push(await loadRun(d));
  const seen = new Map<string, number>();
  for (const r of runs) seen.set(r.label, (seen.get(r.label) ?? 0) + 1);
  for (const r of runs) if (seen.get(r.label)! > 1) r.label = `${r.label} [${r.dir}]`;
  return runs;
}
