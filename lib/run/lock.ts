/**
 * run.lock: one live process per run directory. It holds the pid and host of the process working
 * on the run; a lock whose process is gone (killed) is stale and taken over, one held by a live
 * process on this machine, or by a process on another machine, stops the start.
 *
 * The lock appears whole or not at all: its content is written to a temporary file, which is then
 * hard-linked to run.lock (link fails when run.lock exists, so two processes cannot both take it).
 * A full disk therefore leaves no empty run.lock behind.
 */
import { link, lstat, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describeWriteError, isAlive, tempNameOf, writeFlushed } from './atomic.ts';
import { LOCK_FILE, runFile } from './layout.ts';

interface Holder {
  pid?: number;
  host?: string;
}

/** Takes the lock; returns the function that releases it. */
export async function lockRun(dir: string): Promise<() => Promise<void>> {
  const path = runFile(dir, LOCK_FILE);
  const host = hostname();
  const content = JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() }) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    await checkLock(dir);
    // A stale lock (its process is gone) is taken over; checkLock has made sure it is a file of ours.
    await rm(path, { force: true });
    if (await createExclusive(path, content)) return () => releaseLock(path);
  }
  throw new Error(
    `Run directory ${dir} could not be locked (${path} keeps coming back); expected one process per run directory.`,
  );
}

/** Writes `content` to `path` only if nothing is there; false when something is. Never leaves a partial file. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = tempNameOf(path);
  try {
    await writeFlushed(temp, content);
    try {
      await link(temp, path);
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EEXIST') return false;
      // File systems without hard links: create it exclusively, and remove it again if the write fails.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS')
        return await createExclusiveDirect(path, content);
      throw err;
    }
  } catch (err) {
    throw describeWriteError(path, err);
  } finally {
    await rm(temp, { force: true }).catch(() => {});
  }
}

async function createExclusiveDirect(path: string, content: string): Promise<boolean> {
  try {
    await writeFlushed(path, content, 'wx');
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') return false;
    // Created but not written (a full disk): it is ours, and must not stay behind empty.
    await rm(path, { force: true }).catch(() => {});
    throw err;
  }
}

/** Removes run.lock if it is still this process's (a lock taken over by another process is left to it). */
async function releaseLock(path: string): Promise<void> {
  const holder = await readFile(path, 'utf8').then(
    (t) => JSON.parse(t) as Holder,
    () => null,
  );
  if (holder?.pid === process.pid && holder.host === hostname()) await rm(path, { force: true });
}

/**
 * Throws when another live process holds the run's lock, or when run.lock is something collapse-lab
 * did not make (a folder, a link); a stale or absent lock passes. Writes nothing.
 */
export async function checkLock(dir: string): Promise<void> {
  const path = runFile(dir, LOCK_FILE);
  const info = await lstat(path).catch(() => null);
  if (!info) return;
  if (!info.isFile()) {
    throw new Error(
      `Run directory ${dir} has a ${LOCK_FILE} that is ${info.isDirectory() ? 'a folder' : info.isSymbolicLink() ? 'a symbolic link' : 'not a file'}, ` +
        `which collapse-lab does not make; expected the file holding the pid of the process using ` +
        `the run (move it away, then try again).`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(
      `Run directory ${dir} has a ${LOCK_FILE} this process cannot read (${(err as { code?: string }).code ?? (err as Error).message}); ` +
        `expected the file holding the pid of the process using the run.`,
    );
  }
  let holder: Holder | null = null;
  try {
    holder = JSON.parse(text) as Holder;
  } catch {
    // Unreadable: written by code before locks were written whole, killed while writing it, or being written right now.
    if (Date.now() - info.mtimeMs < 2000) {
      throw new Error(
        `Run directory ${dir} has a ${LOCK_FILE} without a process id, changed ${Math.max(0, Math.round((Date.now() - info.mtimeMs) / 100) / 10)} ` +
          `s ago (another process opening the run, or a file collapse-lab did not write); expected ` +
          `the lock file collapse-lab writes (try again in a moment; if it stays, delete ${path}).`,
      );
    }
  }
  if (holder && typeof holder.pid === 'number' && holder.pid !== process.pid) {
    if (holder.host !== hostname()) {
      throw new Error(
        `Run directory ${dir} is locked by process ${holder.pid} on ${holder.host}; expected one ` +
          `process per run directory (delete ${path} if that process is gone).`,
      );
    }
    if (isAlive(holder.pid)) {
      throw new Error(
        `Run directory ${dir} is in use by process ${holder.pid}; expected one process per run ` +
          `directory (stop that process or wait for it, then resume).`,
      );
    }
  }
}
