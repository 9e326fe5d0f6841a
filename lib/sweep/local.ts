/**
 * A sweep on this machine: every unfinished task as a child process, P at once (p-limit). Each
 * child writes its output to logs/task-NNN.log. Stopping (the signal) sends each running child one
 * SIGTERM: it finishes its current batch, saves nothing half-done and exits 130; running `local`
 * again continues those tasks and skips the finished ones.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { whyNoFolder } from '../run/folder-check.ts';
import type { Writable } from 'node:stream';
import pLimit from 'p-limit';
import { LOGS_DIR, localLogPath } from './layout.ts';
import { describeSettings, readSweep } from './plan.ts';
import { watchSweep } from './progress.ts';
import { sweepStatus } from './status.ts';
import { endAttempt } from './task-state.ts';
import type { TaskStatus } from './status.ts';

/** Set in every child of a local sweep: the child stops (SIGTERM to itself) when its parent is gone. */
export const SWEEP_CHILD_ENV = 'COLLAPSE_LAB_SWEEP_CHILD';
/** The child's log, relative to the sweep folder (recorded in its task.json). */
export const SWEEP_LOG_ENV = 'COLLAPSE_LAB_SWEEP_LOG';

/** Options of runLocalSweep: the sweep folder, the tasks, and how many run at once. */
export interface LocalSweepOptions {
  /** The sweep folder. */
  dir: string;
  /** Tasks at once. Defaults to 1. */
  parallel?: number;
  /**
   * The command that runs task `index` in a child process (e.g. node --import tsx scripts/sweep.ts run --task N
   * --dir D).
   */
  command: (index: number) => { file: string; args: string[]; cwd?: string };
  /** Environment of the children. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Stops the sweep: no new task starts, running ones stop after their current batch. */
  signal?: AbortSignal;
  /** Progress and notes. Defaults to process.stderr. */
  stderr?: Writable & { isTTY?: boolean };
  /** Milliseconds between progress updates. Defaults to 2000. */
  progressIntervalMs?: number;
}

/** What runLocalSweep did: every task's state, and the tasks it started, that failed and that were stopped. */
export interface LocalSweepResult {
  /** Every task's status at the end. */
  statuses: TaskStatus[];
  /** Tasks started by this call. */
  started: number[];
  /** Tasks whose process failed: exit code and the last error line of its log. */
  failed: { index: number; code: number; message: string; log: string }[];
  /** True when the signal stopped the sweep. */
  stopped: boolean;
}

/** Runs every unfinished task of a sweep on this machine, `parallel` at once, with progress across tasks. */
export async function runLocalSweep(options: LocalSweepOptions): Promise<LocalSweepResult> {
  const { dir } = options;
  const stderr = options.stderr ?? process.stderr;
  const parallel = options.parallel ?? 1;
  if (!(Number.isInteger(parallel) && parallel > 0))
    throw new Error(`parallel ${parallel} is not valid; expected a positive integer.`);
  const plan = await readSweep(dir);
  // Logs, task runs and their reports are written into the sweep folder.
  const blocked = await whyNoFolder(dir);
  if (blocked)
    throw new Error(
      `Sweep folder ${dir} ${blocked}; expected a folder this process may write its tasks' runs and logs into.`,
    );
  const before = await sweepStatus(dir, plan);
  const running = before.filter((s) => s.state === 'running' || s.state === 'queued');
  for (const s of running)
    stderr.write(`Task ${s.index} is ${s.state} elsewhere (${s.last?.placement.host ?? 'Slurm'}); not started here.\n`);
  const todo = before.filter((s) => s.state === 'pending' || s.state === 'failed').map((s) => s.index);
  const done = before.filter((s) => s.state === 'done').length;
  stderr.write(`${plan.tasks.length} tasks: ${done} done, ${todo.length} to run, ${parallel} at once.\n`);
  await mkdir(join(dir, LOGS_DIR), { recursive: true });
  const env = withRuntimeDir(options.env ?? process.env);

  /** The live children: task index -> pid (undefined when the child could not start). */
  const live = new Map<number, number | undefined>();
  const failed: LocalSweepResult['failed'] = [];
  const started: number[] = [];
  const limit = pLimit(parallel);
  const progress = watchSweep({
    dir,
    plan,
    stream: stderr,
    intervalMs: options.progressIntervalMs,
    running: () => new Set(live.keys()),
  });
  const onAbort = () => {
    // Tasks still queued see the signal when their turn comes and do not start.
    const pids = [...live.values()].filter((pid) => pid !== undefined);
    if (pids.length > 0)
      stderr.write(
        `Stopping: ${pids.length} running task${pids.length > 1 ? 's' : ''} finish their current ` +
          `batch and save (tasks not yet started stay pending).\n`,
      );
    for (const pid of pids) signalChild(pid, 'SIGTERM');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const runOne = async (index: number): Promise<void> => {
    if (options.signal?.aborted) return;
    const log = localLogPath(plan.tasks[index].dir);
    const handle = await open(join(dir, log), 'a');
    await handle.write(
      `--- task ${index} (${describeSettings(plan.tasks[index].settings)}), started ${new Date().toISOString()}\n`,
    );
    const cmd = options.command(index);
    started.push(index);
    let pid: number | undefined;
    const code = await new Promise<number>((resolve) => {
      // Its own process group: a Ctrl-C at the terminal reaches only this process, which passes
      // on exactly one SIGTERM (a second signal would make the experiment exit at once).
      const child = spawn(cmd.file, cmd.args, {
        cwd: cmd.cwd,
        env: { ...env, [SWEEP_CHILD_ENV]: '1', [SWEEP_LOG_ENV]: log, FORCE_COLOR: '0' },
        stdio: ['pipe', handle.fd, handle.fd],
        detached: true,
      });
      pid = child.pid;
      live.set(index, pid);
      child.on('error', (err) => {
        stderr.write(`Task ${index} could not start (${err.message}).\n`);
        resolve(127);
      });
      child.on('exit', (c, sig) => {
        live.delete(index);
        // Our own stop request, taken before the task could catch it: stopped, not failed.
        if (c === null && sig === 'SIGTERM' && options.signal?.aborted) return resolve(130);
        resolve(c ?? (sig === 'SIGKILL' ? 137 : sig === 'SIGTERM' ? 143 : 1));
      });
    });
    await handle.close();
    // A killed child could not record its end: do it for it (its run directory is resumable as it is).
    if (pid !== undefined) endAttempt(join(dir, plan.tasks[index].dir), pid, undefined, code);
    void progress.update().catch(() => {});
    if (code !== 0 && code !== 130) {
      const message = await lastError(join(dir, log));
      failed.push({ index, code, message, log });
      stderr.write(
        `Task ${index} (${describeSettings(plan.tasks[index].settings)}) failed (exit ${code}): ${message} Log: ${join(dir, log)}\n`,
      );
    }
  };

  try {
    await Promise.all(todo.map((i) => limit(() => runOne(i))));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const statuses = await progress.stop();
  return { statuses, started, failed, stopped: options.signal?.aborted ?? false };
}

function signalChild(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** The last "Error: ..." line a task printed, or a pointer to its log. */
async function lastError(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const line = text
    .split('\n')
    .filter((l) => l.startsWith('Error: '))
    .at(-1);
  return line ? line.slice('Error: '.length) : 'no error message; see the log.';
}

/** Dawn (WebGPU) warns without XDG_RUNTIME_DIR; give children one when the environment has none. */
function withRuntimeDir(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.XDG_RUNTIME_DIR) return env;
  const dir = join(tmpdir(), `collapse-lab-xdg-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { ...env, XDG_RUNTIME_DIR: dir };
}

/** In a child of a local sweep: stop gracefully (SIGTERM to itself) when the parent's pipe closes. */
export function stopWhenParentEnds(stdin: NodeJS.ReadableStream = process.stdin): void {
  const stop = () => process.kill(process.pid, 'SIGTERM');
  stdin.on('end', stop);
  stdin.on('error', stop);
  stdin.resume();
}
