/** Reading runs back: one reader for a run directory, and the expansion of experiment folders into their runs. */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GenerationRecord } from '../record.ts';
import type { RunInfo } from './info.ts';
import { RUN_FILE, runFile } from './layout.ts';
import { RunDir, runDirOf } from './run-dir.ts';
import type { RunLike } from './run-dir.ts';

/** A run read back by readRun: its folder, run.json, records and generations. */
export interface RunData {
  /** Absolute path of the run directory. */
  dir: string;
  /** Its run.json (config, seed, backend, versions). */
  info: RunInfo;
  /** One record per complete generation, in order, with the wall-clock fields (seconds, samplesPerSecond, rssMB) joined in. */
  records: GenerationRecord[];
  /** One entry per complete generation: where its folder is and which files it holds. */
  generations: { generation: number; path: string }[];
  /** The same run as a RunDir, for loadSynthetic / loadNetwork and verified reads of any of its files. */
  run: RunDir;
}

/**
 * A finished or partly finished run: its info, records and generations (every file checked against
 * its manifest). Throws one sentence when `dir` is not a run directory.
 */
export async function readRun(dir: RunLike): Promise<RunData> {
  const run = new RunDir(resolve(runDirOf(dir).dir));
  const info = await run.info().catch((err: Error) => {
    throw new Error(`${run.dir} is not a run directory (${err.message.replace(/\.$/, '')}); expected a folder with run.json made by collapse-lab.`);
  });
  const records = await run.records();
  const generations = records.map((r, i) => ({ generation: i + 1, path: run.generationPath(i + 1) }));
  return { dir: run.dir, info, records, generations, run };
}

/** True when `dir` holds a run.json. */
export async function isRunDir(dir: string): Promise<boolean> {
  return isFile(runFile(dir, RUN_FILE));
}

/**
 * The run directories named by `paths`: a run directory stands for itself; a folder without
 * run.json stands for the run directories directly inside it (an experiment's output folder),
 * ordered by `rank` of their names, then by name.
 */
export async function expandRunDirs(paths: readonly string[], rank: (name: string) => number = () => 0): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (await isRunDir(p)) {
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
    for (const n of names.sort(byRank(rank))) if (await isRunDir(join(p, n))) inside.push(join(p, n));
    if (inside.length === 0) throw new Error(`${p} holds no run.json and no run directories; expected a run directory made by collapse-lab (or a folder of them).`);
    out.push(...inside);
  }
  return out;
}

/** Run folders by `rank` (e.g. the order the survey shows its schemes in), then by name. */
function byRank(rank: (name: string) => number) {
  return (a: string, b: string): number => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
