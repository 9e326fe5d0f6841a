/**
 * Opening a run directory: new, resume or force. checkRunDir says, writing nothing, whether a run
 * could be opened (an experiment checks every scheme's before one starts); openRunDir does it: it
 * locks the run, and on resume checks run.json and the config, deletes what a crash left behind,
 * verifies every generation against its manifest and discards the first that fails and all after it.
 */
import { describeBackend } from '../backend.ts';
import { access, constants, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { opt, OptionError, say } from '../options.ts';
import { describeWriteError, TEMP_SUFFIX } from './atomic.ts';
import { configDifferences, readRunInfo, writeRunInfo } from './info.ts';
import type { RunInfo } from './info.ts';
import { LOCK_FILE, RUN_FILE } from './layout.ts';
import { checkLock, lockRun } from './lock.ts';
import { RunWriter } from './run-dir.ts';

export interface OpenRunOptions {
  resume: boolean;
  force: boolean;
  /** Config keys that may differ on resume (e.g. a lower learningRate after a NaN). Defaults to none. */
  mayChange?: readonly string[];
}

export interface OpenedRun {
  run: RunWriter;
  /** Generations already complete on disk (0 for a new run). */
  completed: number;
  /** The run.json that was found (on resume) or written. */
  info: RunInfo;
  /** Notes for the user, e.g. a backend that differs from the one that started the run. */
  notes: string[];
  /** Removes run.lock; call it when done with the run (also after an error). */
  release: () => Promise<void>;
}

/** What is in the folder now, and so what opening it will do. */
interface Inspection {
  /** The folder's entries, null when it does not exist. */
  entries: string[] | null;
  /** The run.json found, when this is a resume of an existing run. */
  resuming: RunInfo | null;
  notes: string[];
}

/** Checks, writing nothing, that `dir` can be opened with `options` (the checks openRunDir makes before it writes). */
export async function checkRunDir(dir: string, info: RunInfo, options: OpenRunOptions): Promise<void> {
  const found = await inspect(dir, info, options);
  if (found.entries !== null) await checkLock(dir);
  await checkWritable(dir);
}

/** Creates or reopens a run directory according to `resume` / `force`, and locks it. */
export async function openRunDir(dir: string, info: RunInfo, options: OpenRunOptions): Promise<OpenedRun> {
  const found = await inspect(dir, info, options);
  const { entries, notes } = found;
  if (entries === null) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw describeWriteError(dir, err);
    }
  }
  const release = await lockRun(dir);
  const run = new RunWriter(dir);
  try {
    if (found.resuming) {
      await removeLeftovers(dir);
      const verified = await run.verify();
      await run.discardGenerationsAfter(verified.completed);
      if (verified.problem) {
        const later = verified.found - verified.completed - 1;
        notes.push(`Generation ${verified.completed + 1} failed verification and was discarded${later > 0 ? `, with the ${later} generation${later > 1 ? 's' : ''} after it,` : ''} to be trained again: ${verified.problem.message}`);
      }
      await run.removeEpochFolders((g) => g <= verified.completed || g > verified.completed + 1);
      await run.rebuildLogs(verified.completed, notes);
      return { run, completed: verified.completed, info: found.resuming, notes, release };
    }
    if (options.force) {
      for (const name of entries ?? []) if (name !== LOCK_FILE) await rm(join(dir, name), { recursive: true, force: true });
    } else {
      await removeLeftovers(dir);
    }
    await writeRunInfo(dir, info);
    return { run, completed: 0, info, notes, release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function inspect(dir: string, info: RunInfo, options: OpenRunOptions): Promise<Inspection> {
  const entries = await listDir(dir);
  const notes: string[] = [];
  // Our own leftovers (a stale lock, temporary files) do not make a folder "not empty".
  const meaningful = (entries ?? []).filter((n) => n !== LOCK_FILE && !n.endsWith(TEMP_SUFFIX));
  const hasRun = entries !== null && entries.includes(RUN_FILE);
  if (hasRun && !options.resume && !options.force) {
    throw new OptionError('runDir', dir, say`Run directory ${dir} already holds a run; expected ${opt('resume', true)} to continue it or ${opt('force', true)} to replace it.`);
  }
  if (entries !== null && !hasRun && meaningful.length > 0) {
    if (options.resume) throw new OptionError('runDir', dir, say`Directory ${dir} has no run.json; expected a run directory made by collapse-lab to resume.`);
    if (!options.force) throw new OptionError('runDir', dir, say`Directory ${dir} is not empty and is not a run directory; expected an empty or new folder (or ${opt('force', true)}).`);
  }
  if (!(hasRun && options.resume)) return { entries, resuming: null, notes };
  const found = await readRunInfo(dir);
  const mayChange = new Set(options.mayChange ?? []);
  const diff = configDifferences(found.config, info.config).filter((d) => !mayChange.has(d.key));
  if (diff.length > 0) {
    throw new OptionError('runDir', dir, say`Run directory ${dir} was made with another configuration (${diff.map((d) => d.text).join('; ')}); expected the same configuration to resume it (use another output folder, or ${opt('force', true)} to start over).`);
  }
  if (found.seed !== info.seed) {
    throw new OptionError('seed', info.seed, say`Run directory ${dir} was made with seed ${found.seed}, not ${info.seed}; expected the same seed to resume it.`);
  }
  if (describeBackend(found.backend) !== describeBackend(info.backend)) {
    notes.push(`This run was started on ${describeBackend(found.backend)} and continues on ${describeBackend(info.backend)}: its numbers will not match an uninterrupted run bit for bit.`);
  }
  return { entries, resuming: found, notes };
}

/** Deletes what a crash can leave behind: half-written generation folders and temporary files. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of (await listDir(dir)) ?? []) {
    if (name.endsWith(TEMP_SUFFIX)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** The folder, or the nearest folder above it that exists, must be writable by this process. */
async function checkWritable(dir: string): Promise<void> {
  let p = dir;
  while (!(await stat(p).catch(() => null)) && p !== dirname(p)) p = dirname(p);
  try {
    await access(p, constants.W_OK);
  } catch (err) {
    throw describeWriteError(dir, err);
  }
}

async function listDir(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    if ((err as { code?: string }).code === 'ENOTDIR') throw new OptionError('runDir', dir, say`Output path ${dir} is not a folder (${await fileOnPath(dir)} is a file); expected a directory.`);
    throw err;
  }
}

/** The first path from `path` upwards that is a file (for the message when a run directory cannot be one). */
async function fileOnPath(path: string): Promise<string> {
  for (let p = path; p !== dirname(p); p = dirname(p)) {
    if ((await stat(p).catch(() => null))?.isFile()) return p;
  }
  return path;
}
