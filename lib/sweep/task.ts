/**
 * One task of a sweep, in this process: skipped when its runs are complete, otherwise the
 * experiment runs with the task's flags, its own --out and --resume (so that an interrupted task
 * continues where it stopped). Every attempt is recorded in the task's task.json.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Placement } from './placement.ts';
import { describeSettings, readSweep, runArgs, taskAt } from './plan.ts';
import type { PlannedTask, SweepPlan } from './plan.ts';
import { isTaskDone } from './status.ts';
import { startAttempt } from './task-state.ts';

/** Options of runTask: the sweep folder, the task number, where it runs, and how to run its script. */
export interface RunTaskOptions {
  /** The sweep folder. */
  dir: string;
  /** The task's index. */
  index: number;
  /** What names the index in messages (e.g. '--task' or 'SLURM_ARRAY_TASK_ID'). Defaults to '--task'. */
  indexSource?: string;
  /** Where this process runs (recorded in task.json and handed to `run`). */
  placement: Placement;
  /** The log this attempt writes to, relative to the sweep folder, when known. */
  log?: string;
  /**
   * Runs the experiment script in this process with these flags (the same code path as its CLI).
   * It may end the process itself (an error, a graceful stop): the exit code is then recorded.
   */
  run: (script: string, args: string[], placement: Placement) => Promise<void>;
  /** Where notes go. Defaults to process.stderr. */
  stderr?: Writable;
}

/** What runTask did: the task, the plan, and how the task ended. */
export interface RunTaskResult {
  task: PlannedTask;
  plan: SweepPlan;
  /** 'skipped': its runs were complete already. */
  outcome: 'skipped' | 'finished';
}

/** Runs one sweep task: its script with its flags, resumed if it was started, recorded in task.json. */
export async function runTask(options: RunTaskOptions): Promise<RunTaskResult> {
  const { dir, placement } = options;
  const stderr = options.stderr ?? process.stderr;
  const plan = await readSweep(dir);
  const task = taskAt(plan, options.index, options.indexSource);
  const name = `Task ${task.index}${Object.keys(task.settings).length ? ` (${describeSettings(task.settings)})` : ''}`;
  if (await isTaskDone(dir, task)) {
    stderr.write(`${name} is done; skipped.\n`);
    return { task, plan, outcome: 'skipped' };
  }
  const out = resolve(dir, task.dir);
  await mkdir(out, { recursive: true });
  const finish = await startAttempt(out, { placement, log: options.log });
  // The experiment ends the process itself on errors and signals; the exit event still records how.
  const onExit = (code: number) => finish(code);
  process.once('exit', onExit);
  stderr.write(
    `${name} on ${placement.host}${placement.slurmJobId ? ` (Slurm job ${placement.slurmJobId})` : ''}: ${plan.grid.script} ${task.args.join(' ')}\n`,
  );
  try {
    await options.run(plan.grid.script, runArgs(task.args, out), placement);
  } catch (err) {
    process.off('exit', onExit);
    finish(1);
    throw err;
  }
  process.off('exit', onExit);
  finish(0);
  return { task, plan, outcome: 'finished' };
}
