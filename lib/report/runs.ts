/** Reading finished (or partly finished) run directories back for the report. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { AnalysisInfo } from '../analysis.ts';
import { completedGenerations, genDirName, readRecords, readRunInfo } from '../checkpoint.ts';
import type { RunInfo } from '../checkpoint.ts';
import type { GenerationRecord } from '../record.ts';
import { SCHEME_NAMES } from '../schemes.ts';

export interface RunSummary {
  /** Absolute path of the run directory. */
  dir: string;
  info: RunInfo;
  /** Records of the complete generations, in order. */
  records: GenerationRecord[];
  /** analysis.json of each complete generation (null where the run had no analysis). */
  analyses: (AnalysisInfo | null)[];
  /** Model family from the config: 'vae', 'ae', or 'model' when unknown. */
  kind: string;
  scheme: string;
  seed: number;
  /** A short unique name, e.g. "vae replace (seed 0)". */
  label: string;
}

/** Loads a run directory; throws one sentence when it is not one. */
export async function loadRun(dir: string): Promise<RunSummary> {
  const abs = resolve(dir);
  const info = await readRunInfo(abs).catch((err: Error) => {
    throw new Error(`${dir} is not a run directory (${err.message.replace(/\.$/, '')}); expected a folder with run.json made by collapse-lab.`);
  });
  const count = await completedGenerations(abs);
  const records = await readRecords(abs, count);
  const analyses: (AnalysisInfo | null)[] = [];
  for (let g = 1; g <= count; g++) analyses.push(await readJson<AnalysisInfo>(join(abs, genDirName(g), 'analysis.json')));
  const model = (info.config.model ?? {}) as { kind?: string };
  const kind = typeof model.kind === 'string' ? model.kind : 'model';
  const scheme = typeof info.config.scheme === 'string' ? info.config.scheme : basename(abs);
  return { dir: abs, info, records, analyses, kind, scheme, seed: info.seed, label: `${kind} ${scheme} (seed ${info.seed})` };
}

/** Loads several runs and makes their labels unique (adding the folder name where two agree). */
export async function loadRuns(dirs: readonly string[]): Promise<RunSummary[]> {
  if (dirs.length === 0) throw new Error('No run directory given; expected at least one.');
  const runs: RunSummary[] = [];
  for (const d of dirs) runs.push(await loadRun(d));
  const seen = new Map<string, number>();
  for (const r of runs) seen.set(r.label, (seen.get(r.label) ?? 0) + 1);
  for (const r of runs) if (seen.get(r.label)! > 1) r.label = `${r.label} [${r.dir}]`;
  return runs;
}

async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  return JSON.parse(text) as T;
}

/**
 * The run directories named by `paths`: a run directory stands for itself; a folder without
 * run.json stands for the run directories directly inside it (an experiment's --out folder).
 */
export async function expandRunDirs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (await isFile(join(p, 'run.json'))) {
      out.push(p);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(p)).sort();
    } catch {
      throw new Error(`Run directory ${p} does not exist or cannot be read; expected a folder with run.json (or a folder of such folders).`);
    }
    const inside: string[] = [];
    for (const n of names.sort(bySchemeOrder)) if (await isFile(join(p, n, 'run.json'))) inside.push(join(p, n));
    if (inside.length === 0) throw new Error(`${p} holds no run.json and no run directories; expected a run directory made by collapse-lab (or a folder of them).`);
    out.push(...inside);
  }
  return out;
}

/** Scheme folders in the order the survey shows them (replace, accumulate, ...), others after by name. */
function bySchemeOrder(a: string, b: string): number {
  const rank = (n: string) => {
    const i = SCHEME_NAMES.findIndex((s) => n === s || n.startsWith(`${s}-`));
    return i < 0 ? SCHEME_NAMES.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
