/** Writing files so that a crash never leaves a half-written file under the real name. */
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The suffix of every temporary file this library writes; leftovers are safe to delete. */
export const TEMP_SUFFIX = '.partial';

export interface AtomicWriteOptions {
  /**
   * Flush the folder after the rename, so that the rename itself survives a power cut. Files written
   * into a temporary folder that is flushed once before its own rename skip it. Defaults to true.
   */
  syncFolder?: boolean;
}

/** Writes `data` to `path` by way of a temporary file in the same folder, flushed, then renamed. */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempNameOf(path);
  try {
    await writeFlushed(temp, data);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    throw describeWriteError(path, err);
  }
  if (options.syncFolder ?? true) await syncDir(dirname(path));
  await removeStaleTemps(path);
}

/** The temporary name this process writes `path` under: .<name>.<pid>.partial beside it. */
export const tempNameOf = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}${TEMP_SUFFIX}`);

/**
 * The file name a temporary name of tempNameOf's stands for (`.run.json.123.partial` -> `run.json`), or null
 * when it is not one (of any process).
 */
export function tempTargetOf(name: string): string | null {
  return /^\.(.+)\.\d+\.partial$/.exec(name)?.[1] ?? null;
}

/** Writes `data` to `path` (created or truncated) and flushes it to disk. */
export async function writeFlushed(path: string, data: Uint8Array | string, flag = 'w'): Promise<void> {
  const handle = await open(path, flag);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Deletes temporary files of `path` that processes now gone left behind (killed mid-write), so that
 * writing a file again also cleans up after an earlier crash, in folders nothing else tidies.
 */
async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length, -TEMP_SUFFIX.length));
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      await rm(join(dir, name), { force: true }).catch(() => {});
  }
}

/** True while process `pid` exists (on this machine). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Flushes a folder's entries (renames, new files) to disk. Best effort where a platform cannot. */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some platforms and file systems refuse fsync on a directory; the data itself is synced.
  } finally {
    await handle.close();
  }
}

/** One sentence for a failed write, naming the path; shared by every writer in lib/. */
export function describeWriteError(path: string, err: unknown): Error {
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new Error(
      `Writing ${path} failed: the disk is full; expected free space for the run's files (nothing ` + `was replaced).`,
    );
  if (code === 'EFBIG')
    return new Error(
      `Writing ${path} failed: the file is larger than this process may write (file size limit); ` +
        `expected room for the run's files (nothing was replaced).`,
    );
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new Error(
      `Writing ${path} failed: the folder is not writable; expected a writable output folder ` +
        `(nothing was replaced).`,
    );
  return new Error(`Writing ${path} failed (${(err as Error).message}); nothing was replaced.`);
}
