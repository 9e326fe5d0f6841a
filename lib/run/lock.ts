/**
 * run.lock: one live process per run directory. It holds the pid and host of the process working
 * on the run; a lock whose process is gone (killed) is stale and taken over, one held by a live
 * process on this machine, or by a process on another machine, stops the start.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describeWriteError, isAlive } from './atomic.ts';
import { LOCK_FILE, runFile } from './layout.ts';

interface Holder {
  pid?: number;
  host?: string;
}

/** Takes the lock; returns the function that releases it. */
export async function lockRun(dir: string): Promise<() => Promise<void>> {
  const path = runFile(dir, LOCK_FILE);
  const host = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify({ pid: process.pid, host, since: new Date().toISOString() }) + '\n', { flag: 'wx' });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw describeWriteError(path, err);
    }
    await checkLock(dir);
    await rm(path, { force: true });
  }
  throw new Error(`Run directory ${dir} could not be locked (${path} keeps coming back); expected one process per run directory.`);
}

/** Throws when another live process holds the run's lock (a stale or absent lock passes). Writes nothing. */
export async function checkLock(dir: string): Promise<void> {
  const path = runFile(dir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  let holder: Holder | null = null;
  try {
    holder = JSON.parse(text) as Holder;
  } catch {
    // Unreadable: its writer was killed while writing it, or is writing it right now.
    const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
    if (age < 2000) throw new Error(`Run directory ${dir} is being opened by another process (${path} was just created); expected one process per run directory.`);
  }
  if (holder && typeof holder.pid === 'number' && holder.pid !== process.pid) {
    if (holder.host !== hostname()) {
      throw new Error(`Run directory ${dir} is locked by process ${holder.pid} on ${holder.host}; expected one process per run directory (delete ${path} if that process is gone).`);
    }
    if (isAlive(holder.pid)) {
      throw new Error(`Run directory ${dir} is in use by process ${holder.pid}; expected one process per run directory (stop that process or wait for it, then resume).`);
    }
  }
}
