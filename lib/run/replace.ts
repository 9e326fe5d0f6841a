/**
 * Replacing a run (`force`) builds the new run before the old one goes: the old run's entries are
 * moved (renamed, no byte copied) into REPLACED_FOLDER inside the run directory, the new run is
 * written in their place, and the old one is deleted only once the new run has sealed its first
 * checkpoint (an epoch folder or a generation), which shows that the disk holds a model's files. A
 * failure or a stop before that puts the old run back whole. A process killed in between leaves the
 * folder behind; the next open settles it the same way (recoverReplacement).
 */
import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWriteError, syncDir } from './atomic.ts';
import {
  EPOCH_FOLDER_FILES,
  epochFolderOf,
  GENERATION_FOLDER_FILES,
  generationOf,
  isRunTempName,
  LOCK_FILE,
  partialFolderFiles,
  REPLACED_FOLDER,
  RUN_DIR_FILES,
} from './layout.ts';
import { ForeignEntryError, removeOwnedFolder } from './sealed.ts';

/** The old run, set aside while its replacement starts. */
export interface Replacement {
  /** Deletes the old run (the new one has sealed a checkpoint). Idempotent. */
  settle(): Promise<void>;
  /** Deletes what the new run wrote and puts the old run back; true when there was one to put back. */
  restore(): Promise<boolean>;
}

/**
 * Names of the run directory that are ours by their kind: run files, generation and epoch folders, our temporary
 * names.
 */
export function isOurEntry(name: string): boolean {
  return RUN_DIR_FILES.has(name) || generationOf(name) !== null || epochFolderOf(name) !== null || isRunTempName(name);
}

/**
 * Deletes one entry of the run directory that is ours by its name, after checking it is of the kind
 * that name stands for: a generation, epoch or temporary folder holding only the files collapse-lab
 * writes there, or a run file that is a file.
 */
export async function removeOurEntry(dir: string, name: string): Promise<void> {
  const path = join(dir, name);
  const known =
    generationOf(name) !== null
      ? GENERATION_FOLDER_FILES
      : epochFolderOf(name) !== null
        ? EPOCH_FOLDER_FILES
        : partialFolderFiles(name);
  if (known) return removeOwnedFolder(path, known);
  const info = await lstat(path).catch(() => null);
  if (!info) return;
  if (!info.isFile())
    throw new ForeignEntryError(
      path,
      `${path} is ${info.isDirectory() ? 'a folder' : 'a symbolic link'}, which collapse-lab does ` +
        `not make there; expected its own file (move it away, then try again).`,
    );
  await rm(path, { force: true });
}

/**
 * Moves `names` (entries of the run at `dir`, checked to be ours) into REPLACED_FOLDER; on a failure moves back
 * what moved and throws.
 */
export async function setAside(dir: string, names: readonly string[]): Promise<Replacement> {
  const hold = join(dir, REPLACED_FOLDER);
  const moved: string[] = [];
  try {
    await mkdir(hold);
    for (const name of names) {
      await rename(join(dir, name), join(hold, name));
      moved.push(name);
    }
    await syncDir(hold);
    await syncDir(dir);
  } catch (err) {
    for (const name of moved) await rename(join(hold, name), join(dir, name)).catch(() => {});
    await rmdir(hold).catch(() => {});
    throw describeWriteError(hold, err);
  }
  return replacementAt(dir);
}

function replacementAt(dir: string): Replacement {
  const hold = join(dir, REPLACED_FOLDER);
  let done = false;
  return {
    async settle() {
      if (done) return;
      done = true;
      await rm(hold, { recursive: true, force: true });
    },
    async restore() {
      if (done) return false;
      done = true;
      for (const name of await readdir(dir)) {
        if (name !== LOCK_FILE && isOurEntry(name)) await removeOurEntry(dir, name);
      }
      for (const name of await readdir(hold)) await rename(join(hold, name), join(dir, name));
      await rmdir(hold);
      await syncDir(dir);
      return true;
    },
  };
}

/**
 * Settles a replacement a killed process left in `dir` (call it holding the run's lock): when the new
 * run had sealed a checkpoint the old run goes, else the old run comes back. Returns a note for the
 * user, or null when there was nothing to settle.
 */
export async function recoverReplacement(dir: string): Promise<string | null> {
  const hold = join(dir, REPLACED_FOLDER);
  const held = await readdir(hold).catch(() => null);
  if (held === null) return null;
  const foreign = held.find((name) => !isOurEntry(name));
  if (foreign !== undefined) {
    throw new ForeignEntryError(
      join(hold, foreign),
      `${hold} holds ${foreign}, which collapse-lab did not put there; expected only the entries ` +
        `of a run being replaced (move it away, then try again).`,
    );
  }
  const names = await readdir(dir);
  const sealedOne = names.some((n) => generationOf(n) !== null || epochFolderOf(n) !== null);
  const replacement = replacementAt(dir);
  if (sealedOne) {
    await replacement.settle();
    return `A replacement of the run in ${dir} was interrupted after the new run saved its first checkpoint; the old run it replaced is now deleted.`;
  }
  await replacement.restore();
  return `A replacement of the run in ${dir} was interrupted before the new run saved anything; the old run was put back as it was.`;
}
