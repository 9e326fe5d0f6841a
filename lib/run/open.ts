/**
 * Opening a run directory: new, resume or force. checkRunDir says, writing nothing, whether a run
 * could be opened (an experiment checks every scheme's before one starts); openRunDir does it: it
 * locks the run, and on resume checks run.json and the config, verifies every generation against its
 * manifest and its place, and discards the first that fails and all after it.
 *
 * Nothing is deleted that collapse-lab cannot show it made: before anything changes, every folder a
 * resume or `force` would delete or replace is checked (sealed.ts checkReplaceable), and anything of
 * the user's in the way (a file in a generation folder, a folder named like one, a symbolic link, a
 * run.lock that is a folder) stops the open with one sentence naming it. Other entries of the run
 * directory (the user's notes, a report) are left alone.
 */
import { describeBackend } from '../backend.ts';
import { access, constants, lstat, mkdir, readdir, readFile, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { opt, OptionError, say } from '../options.ts';
import { describeWriteError } from './atomic.ts';
import { configDifferences, OLD_RUN_FORMATS, readRunInfo, RUN_FORMAT, writeRunInfo } from './info.ts';
import type { RunInfo } from './info.ts';
import {
  EPOCH_FOLDER_FILES,
  epochFolderOf,
  genDirName,
  GENERATION_FOLDER_FILES,
  generationOf,
  isRunTempName,
  LOCK_FILE,
  partialFolderFiles,
  REPLACED_FOLDER,
  RUN_DIR_FILES,
  RUN_FILE,
} from './layout.ts';
import { checkLock, lockRun } from './lock.ts';
import { RunDir, RunWriter } from './run-dir.ts';
import type { RunVerification } from './run-dir.ts';
import { isOurEntry, recoverReplacement, removeOurEntry, setAside } from './replace.ts';
import type { Replacement } from './replace.ts';
import { checkReplaceable, ForeignEntryError } from './sealed.ts';

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
  /**
   * Removes run.lock; call it when done with the run (also after an error). A run replaced by `force`
   * is put back when the new run ended before sealing a checkpoint; `log` hears that it was.
   */
  release: (log?: (line: string) => void) => Promise<void>;
}

/** What is in the folder now, and so what opening it will do. */
interface Inspection {
  /** The folder's entries, null when it does not exist. */
  entries: string[] | null;
  /** The run.json found, when this is a resume of an existing run. */
  resuming: RunInfo | null;
  notes: string[];
}

/** Checks, writing nothing, that `dir` can be opened with `options` (the checks openRunDir makes before it writes; generations are checked by their manifests, not re-hashed). */
export async function checkRunDir(dir: string, info: RunInfo, options: OpenRunOptions): Promise<void> {
  const found = await inspect(dir, info, options);
  await checkWritable(dir);
  if (found.resuming) {
    const run = new RunDir(dir, found.resuming);
    await checkDiscards(run, await run.verify({ hashes: false }));
  }
}

/** Creates or reopens a run directory according to `resume` / `force`, and locks it. */
export async function openRunDir(dir: string, info: RunInfo, options: OpenRunOptions): Promise<OpenedRun> {
  const recovered = await settleInterruptedReplacement(dir);
  const found = await inspect(dir, info, options);
  const { entries, notes } = found;
  if (recovered) notes.unshift(recovered);
  let created: string | undefined;
  if (entries === null) {
    try {
      created = await mkdir(dir, { recursive: true });
    } catch (err) {
      throw describeWriteError(dir, err);
    }
  }
  let release: (() => Promise<void>) | undefined;
  let replacement: Replacement | undefined;
  try {
    release = await lockRun(dir);
    if (found.resuming) {
      const run = new RunWriter(dir, found.resuming);
      const verified = await run.verify();
      // Every folder the resume deletes is shown to be ours before the first is deleted.
      await checkDiscards(run, verified);
      await removeLeftovers(dir);
      await run.discardGenerationsAfter(verified.completed);
      notes.push(...discardNotes(verified));
      await run.removeEpochFolders((g) => g <= verified.completed || g > verified.completed + 1);
      await run.rebuildLogs(verified.completed, notes);
      return { run, completed: verified.completed, info: found.resuming, notes, release };
    }
    if (options.force) {
      // Only what makes up our run is set aside (checked in inspect); the user's other files stay.
      const ours = (entries ?? []).filter((name) => name !== LOCK_FILE && isOurEntry(name));
      if (ours.length > 0) replacement = await setAside(dir, ours);
    } else {
      await removeLeftovers(dir);
    }
    await writeRunInfo(dir, info);
    const run = new RunWriter(dir, info, replacement);
    const unlock = release;
    const releaseAll = async (log?: (line: string) => void) => {
      try {
        if (await run.restoreReplaced()) log?.(`The new run had saved no checkpoint, so the run it was to replace in ${dir} was put back as it was.`);
      } finally {
        await unlock();
      }
    };
    return { run, completed: 0, info, notes, release: releaseAll };
  } catch (err) {
    await replacement?.restore();
    await release?.();
    if (created) await removeEmptyFolders(dir, created);
    throw err;
  }
}

/**
 * Checks, writing nothing, that removeRun may delete the run at `dir`: absent, or a run of ours
 * (its run.json, generation folders and run files as `force` checks them) that no live process holds.
 * A folder without run.json may hold only our leftovers (a stale lock, temporary names).
 */
export async function checkRemovableRun(dir: string): Promise<void> {
  const entries = await listDir(dir);
  if (entries !== null) await checkOurEntries(dir, entries, entries.includes(RUN_FILE));
}

/** Deletes a run of ours after checkRemovableRun (a sweep re-planned with force): its own entries, and the folder when nothing of the user's is left in it. */
export async function removeRun(dir: string): Promise<void> {
  await checkRemovableRun(dir);
  const entries = (await listDir(dir)) ?? [];
  const hasRun = entries.includes(RUN_FILE);
  await removeOurEntries(dir, entries.filter((name) => (hasRun ? isOurEntry(name) : name === LOCK_FILE || isRunTempName(name))));
  await rmdir(dir).catch(() => {});
}

async function removeOurEntries(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) await removeOurEntry(dir, name);
}

/** A replacement a killed process left half-done is settled under the run's lock before the run is looked at. */
async function settleInterruptedReplacement(dir: string): Promise<string | null> {
  if (!(await listDir(dir))?.includes(REPLACED_FOLDER)) return null;
  const release = await lockRun(dir);
  try {
    return await recoverReplacement(dir);
  } finally {
    await release();
  }
}

async function inspect(dir: string, info: RunInfo, options: OpenRunOptions): Promise<Inspection> {
  const entries = await listDir(dir);
  const notes: string[] = [];
  // Our own leftovers (a stale lock, temporary files) do not make a folder "not empty".
  const meaningful = (entries ?? []).filter((n) => n !== LOCK_FILE && !isRunTempName(n));
  const hasRun = entries !== null && entries.includes(RUN_FILE);
  if (hasRun && !options.resume && !options.force) {
    throw new OptionError('runDir', dir, say`Run directory ${dir} already holds a run; expected ${opt('resume', true)} to continue it or ${opt('force', true)} to replace it.`);
  }
  if (entries !== null && !hasRun && meaningful.length > 0) {
    if (options.resume) throw new OptionError('runDir', dir, say`Directory ${dir} has no run.json; expected a run directory made by collapse-lab to resume.`);
    if (options.force) throw new OptionError('runDir', dir, say`Directory ${dir} is not empty and is not a run directory; expected a run directory made by collapse-lab (${opt('force', true)} replaces only such a run) or an empty or new folder.`);
    throw new OptionError('runDir', dir, say`Directory ${dir} is not empty and is not a run directory; expected an empty or new folder.`);
  }
  if (entries !== null) await checkOurEntries(dir, entries, options.force && hasRun);
  if (!(hasRun && options.resume)) return { entries, resuming: null, notes };
  let found: RunInfo;
  try {
    found = await readRunInfo(dir);
  } catch (err) {
    throw new OptionError('runDir', dir, say`${(err as Error).message.replace(/\.$/, '')} (restore it, or start over in another folder).`);
  }
  const mayChange = new Set(options.mayChange ?? []);
  const diff = configDifferences(found.config, info.config).filter((d) => !mayChange.has(d.key));
  if (diff.length > 0) {
    throw new OptionError('runDir', dir, say`Run directory ${dir} was made with another configuration (${diff.map((d) => d.text).join('; ')}); expected the same configuration to resume it (use another output folder, or ${opt('force', true)} without ${opt('resume', true)} to start over).`);
  }
  if (found.seed !== info.seed) {
    throw new OptionError('seed', info.seed, say`Run directory ${dir} was made with seed ${found.seed}, not ${info.seed}; expected the same seed to resume it.`);
  }
  if (describeBackend(found.backend) !== describeBackend(info.backend)) {
    notes.push(`This run was started on ${describeBackend(found.backend)} and continues on ${describeBackend(info.backend)}: its numbers will not match an uninterrupted run bit for bit.`);
  }
  return { entries, resuming: found, notes };
}

/**
 * The run directory's own entries must be what collapse-lab makes under their names: a run.lock that
 * is a folder, a run.json that is not ours (when `force` would replace it), or a folder named like a
 * generation that holds the user's files stops the open. Writes nothing.
 */
async function checkOurEntries(dir: string, entries: string[], forcing: boolean): Promise<void> {
  await checkLock(dir);
  for (const name of entries) {
    const path = join(dir, name);
    if (isRunTempName(name)) await checkTemp(path);
    // A run file that is a folder or a link is never ours, whatever the open is about to do.
    else if (RUN_DIR_FILES.has(name) && name !== LOCK_FILE) await checkOurFile(path);
    else if (forcing && generationOf(name) !== null) await checkReplaceable(path, GENERATION_FOLDER_FILES);
    else if (forcing && epochFolderOf(name) !== null) await checkReplaceable(path, EPOCH_FOLDER_FILES);
  }
  if (forcing) {
    const text = await readFile(join(dir, RUN_FILE), 'utf8').catch(() => '');
    let format: unknown;
    try {
      format = (JSON.parse(text) as { format?: unknown }).format;
    } catch {
      format = undefined;
    }
    // A run of an older version is ours too: force may replace it.
    if (format !== RUN_FORMAT && !OLD_RUN_FORMATS.includes(format as string)) {
      throw new ForeignEntryError(join(dir, RUN_FILE), `${join(dir, RUN_FILE)} is not a run.json collapse-lab wrote; expected one before replacing the run (force replaces only a run collapse-lab made: move the folder away, or use another).`);
    }
  }
}

/** A temporary name of ours: a file, or a folder holding only the files collapse-lab writes into a folder of that name. */
async function checkTemp(path: string): Promise<void> {
  if ((await lstat(path)).isFile()) return;
  await checkReplaceable(path, partialFolderFiles(basename(path)) ?? new Set());
}

/** A run file we may replace: a regular file (not a link, not a folder) in a folder we may write. */
async function checkOurFile(path: string): Promise<void> {
  const info = await lstat(path);
  if (!info.isFile()) throw new ForeignEntryError(path, `${path} is ${info.isDirectory() ? 'a folder' : 'a symbolic link'}, which collapse-lab does not make there; expected its own file (move it away, then try again).`);
}

/**
 * Everything a resume after `verified` deletes: generation folders after the last good one, every
 * epoch folder (those of the next generation may be discarded later, when they fail to load or are
 * superseded). Throws, writing nothing, when one of them is not ours.
 */
async function checkDiscards(run: RunDir, verified: RunVerification): Promise<void> {
  const doomed = verified.problem ? verified.problem.generation : verified.completed + 1;
  for (const name of await readdir(run.dir)) {
    const g = generationOf(name);
    if (g !== null && g >= doomed) await checkReplaceable(join(run.dir, name), GENERATION_FOLDER_FILES).catch((err: unknown) => explainDiscard(err, verified, g));
    else if (epochFolderOf(name) !== null) await checkReplaceable(join(run.dir, name), EPOCH_FOLDER_FILES);
  }
}

/** A folder that must be discarded but is not ours: say why it must go, and why it cannot. */
function explainDiscard(err: unknown, verified: RunVerification, g: number): never {
  if (!(err instanceof ForeignEntryError) || !verified.problem) throw err;
  const p = verified.problem;
  const why = g === p.generation ? `Generation ${g} failed verification (${p.message.replace(/\.$/, '')})` : `Generation ${p.generation} ${p.missing ? 'is missing' : 'failed verification'}`;
  throw new ForeignEntryError(err.path, `${why}, so ${genDirName(g)} would be discarded, but ${err.message}`);
}

function discardNotes(v: RunVerification): string[] {
  if (!v.problem) return [];
  const later = v.found - v.problem.generation;
  if (v.problem.missing) {
    return [`Generation ${v.problem.generation} is missing (${v.problem.path} was deleted or moved by hand): the ${later} generation${later > 1 ? 's' : ''} after it ${later > 1 ? 'were' : 'was'} discarded, to be trained again.`];
  }
  return [`Generation ${v.problem.generation} failed verification and was discarded${later > 0 ? `, with the ${later} generation${later > 1 ? 's' : ''} after it,` : ''} to be trained again: ${v.problem.message}`];
}

/** Deletes what a crash can leave behind in the run directory: our temporary files and half-written folders (checked: removeOurEntry). */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of (await listDir(dir)) ?? []) {
    if (isRunTempName(name)) await removeOurEntry(dir, name);
  }
}

/** Removes `dir` and its parents up to `created` (the first folder mkdir made) while they are empty. */
async function removeEmptyFolders(dir: string, created: string): Promise<void> {
  const rel = relative(created, dir);
  if (rel.startsWith('..')) return;
  let p = dir;
  for (let i = rel === '' ? 0 : rel.split(sep).length; i >= 0; i--, p = dirname(p)) {
    if (!(await rmdir(p).then(() => true, () => false))) return;
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
    if ((err as { code?: string }).code === 'ENOTDIR') {
      const blocker = await nonFolderOnPath(dir);
      throw new OptionError('runDir', dir, say`Output path ${dir} is not a folder (${blocker.path} is ${blocker.kind}); expected a directory.`);
    }
    throw err;
  }
}

/** What a path is when it exists and is not a folder ("a file", "a character device", ...); null for a folder or nothing. */
export async function nonFolderKind(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (!info || info.isDirectory()) return null;
  if (info.isFile()) return 'a file';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a folder';
}

/** The first path from `path` upwards that exists and is not a folder (why a run directory cannot be made there). */
async function nonFolderOnPath(path: string): Promise<{ path: string; kind: string }> {
  for (let p = path; p !== dirname(p); p = dirname(p)) {
    const kind = await nonFolderKind(p);
    if (kind) return { path: p, kind };
  }
  return { path, kind: 'not a folder' };
}

/** An experiment's output folder: absent (it will be made, so every folder above it that exists must be one) or a folder. Writes nothing. */
export async function checkOutputFolder(option: string, path: string): Promise<void> {
  for (let p = path; p !== dirname(p); p = dirname(p)) {
    const kind = await nonFolderKind(p);
    if (kind && p === path) throw new OptionError(option, path, say`${opt(option)} ${path} is ${kind}, not a folder; expected a folder for the run directories (or a path where one can be made).`);
    if (kind) throw new OptionError(option, path, say`${opt(option)} ${path} cannot be made: ${p} is ${kind}; expected a folder for the run directories (or a path where one can be made).`);
    if (await stat(p).catch(() => null)) return;
  }
}
