/**
 * <task>/task.json: every attempt at a task, where it ran and how it ended. The run directories say
 * how far a task got (the source of truth); this file says what the run directories cannot: that an
 * attempt is under way, where, and that the last one failed rather than being stopped.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempNameOf, writeFileAtomic } from '../run/atomic.ts';
import type { Placement } from './placement.ts';

export const TASK_FILE = 'task.json';

/** One attempt at a sweep task (task.json): where and as which process it ran, its log, start, end and exit code. */
export interface Attempt {
  placement: Placement;
  pid: number;
  /** The log this attempt writes to, relative to the sweep folder, when known. */
  log?: string;
  startedAt: string;
  endedAt?: string;
  /** 0: finished; 130: stopped by a signal (resumable); anything else: failed. */
  exitCode?: number;
}

export interface TaskState {
  attempts: Attempt[];
}

/** task.json of a task folder; no attempts when there is none yet. */
export async function readTaskState(taskDir: string): Promise<TaskState> {
  const text = await readFile(join(taskDir, TASK_FILE), 'utf8').catch(() => null);
  return text === null ? { attempts: [] } : parseState(text, taskDir);
}

/**
 * Records the start of an attempt; returns the function that records its end (synchronous: it runs in the
 * process's 'exit' event).
 */
export async function startAttempt(
  taskDir: string,
  attempt: Omit<Attempt, 'startedAt' | 'pid'>,
): Promise<(exitCode: number) => void> {
  const state = await readTaskState(taskDir);
  const mine: Attempt = { ...attempt, pid: process.pid, startedAt: new Date().toISOString() };
  await writeFileAtomic(
    join(taskDir, TASK_FILE),
    JSON.stringify({ attempts: [...state.attempts, mine] }, null, 2) + '\n',
  );
  return (exitCode) => endAttempt(taskDir, mine.pid, mine.startedAt, exitCode);
}

/**
 * Records how the attempt of process `pid` ended, unless it did so itself (a killed process
 * cannot: its parent records the exit code for it). Synchronous: it also runs in the 'exit' event.
 */
export function endAttempt(taskDir: string, pid: number, startedAt: string | undefined, exitCode: number): void {
  const now = readStateSync(taskDir);
  const last = now.attempts
    .filter((a) => a.pid === pid && (startedAt === undefined || a.startedAt === startedAt))
    .at(-1);
  if (!last || last.exitCode !== undefined) return;
  last.endedAt = new Date().toISOString();
  last.exitCode = exitCode;
  writeFileAtomicSync(join(taskDir, TASK_FILE), JSON.stringify(now, null, 2) + '\n');
}

function readStateSync(taskDir: string): TaskState {
  try {
    return parseState(readFileSync(join(taskDir, TASK_FILE), 'utf8'), taskDir);
  } catch {
    return { attempts: [] };
  }
}

function parseState(text: string, taskDir: string): TaskState {
  try {
    const state = JSON.parse(text) as TaskState;
    return Array.isArray(state.attempts) ? state : { attempts: [] };
  } catch (err) {
    throw new Error(
      `Task file ${join(taskDir, TASK_FILE)} is not valid JSON (${(err as Error).message}); ` +
        `expected the file 'sweep.ts run' writes (delete it to forget the task's attempts).`,
    );
  }
}

/** writeFileAtomic's synchronous twin, for the 'exit' event, where nothing asynchronous runs. */
function writeFileAtomicSync(path: string, text: string): void {
  const temp = tempNameOf(path);
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
