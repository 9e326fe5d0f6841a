/**
 * Where each task of a sweep stands: done / running / queued / failed / pending. The run
 * directories decide "done" (every run has all its generations); task.json and the Slurm queue,
 * when there is one, tell running and queued tasks apart from stopped or failed ones.
 */
import { join } from 'node:path';
import { hostname } from 'node:os';
import { isAlive } from '../run/atomic.ts';
import { describeSettings } from './plan.ts';
import type { PlannedTask, SweepPlan } from './plan.ts';
import { runProgress } from './runs.ts';
import { readTaskState } from './task-state.ts';
import type { Attempt } from './task-state.ts';

/** The state of a task: done, running, queued (in Slurm), failed or pending. */
export type TaskStateName = 'done' | 'running' | 'queued' | 'failed' | 'pending';

/** One array task in the Slurm queue (squeue). */
export interface QueueEntry {
  jobId: string;
  arrayJobId: string;
  taskId: number;
  /** Slurm's state, e.g. PENDING, RUNNING, COMPLETING. */
  state: string;
  node: string;
}

/** One task's state: its settings, generations done, attempts, and its place in Slurm's queue. */
export interface TaskStatus {
  index: number;
  settings: PlannedTask['settings'];
  state: TaskStateName;
  /** Complete generations over the task's runs, and how many it plans. */
  generations: { done: number; total: number };
  /** Training images of the complete generations, and of all (for the ETA). */
  images: { done: number; total: number };
  /** Attempts recorded in task.json. */
  attempts: number;
  /** The last attempt. */
  last?: Attempt;
  /** The task's entry in the Slurm queue, when it has one. */
  queued?: QueueEntry;
  /** Why a run of the task counts less than it holds (not the planned run, or a generation that does not verify). */
  problem?: string;
}

/** Options of sweepStatus: Slurm's queue (when there is one) and this host's name. */
export interface StatusOptions {
  /** This sweep's entries in the Slurm queue; null when there is no squeue. Defaults to null. */
  queue?: readonly QueueEntry[] | null;
  /** This machine's name (attempts here are checked by pid). Defaults to os.hostname(). */
  host?: string;
}

/** Every task's status. */
export async function sweepStatus(dir: string, plan: SweepPlan, options: StatusOptions = {}): Promise<TaskStatus[]> {
  const out: TaskStatus[] = [];
  for (const task of plan.tasks) out.push(await taskStatus(dir, task, options));
  return out;
}

async function taskStatus(dir: string, task: PlannedTask, options: StatusOptions = {}): Promise<TaskStatus> {
  const queue = options.queue ?? null;
  const host = options.host ?? hostname();
  const { generations, images, problem, foreign } = await taskProgress(dir, task);
  const { attempts } = await readTaskState(join(dir, task.dir));
  const last = attempts.at(-1);
  const queued = queue?.find((q) => q.taskId === task.index);
  const base = {
    index: task.index,
    settings: task.settings,
    generations,
    images,
    attempts: attempts.length,
    last,
    queued,
    ...(problem ? { problem } : {}),
  };
  const state = ((): TaskStateName => {
    if (generations.done >= generations.total) return 'done';
    // A run that is not the planned one is not made right by running the task again.
    if (foreign && !queued) return 'failed';
    if (queued) return queued.state === 'PENDING' ? 'queued' : 'running';
    if (last && last.exitCode === undefined) {
      // An attempt under way, or one killed before it could record its end.
      if (last.placement.host === host) return isAlive(last.pid) ? 'running' : 'pending';
      // On another machine: only the queue can tell, and it no longer lists the task.
      return queue === null ? 'running' : 'pending';
    }
    if (last && last.exitCode !== 0 && last.exitCode !== 130) return 'failed';
    return 'pending';
  })();
  return { ...base, state };
}

/** True when every run of the task has all its generations. */
export async function isTaskDone(dir: string, task: PlannedTask): Promise<boolean> {
  const { generations } = await taskProgress(dir, task);
  return generations.done >= generations.total;
}

/**
 * Complete generations over the task's runs (each counted up to its planned number, only as far as they verify),
 * and their training images.
 */
async function taskProgress(
  dir: string,
  task: PlannedTask,
): Promise<Pick<TaskStatus, 'generations' | 'images' | 'problem'> & { foreign: boolean }> {
  const generations = { done: 0, total: 0 };
  const images = { done: 0, total: 0 };
  const problems: string[] = [];
  let foreign = false;
  for (const run of task.runs) {
    const progress = await runProgress(join(dir, run.dir), run);
    if (progress.problem) problems.push(`${run.scheme}: ${progress.problem.message.replace(/\.$/, '')}`);
    foreign ||= progress.problem?.foreign ?? false;
    const done = Math.min(run.generations, progress.completed);
    generations.done += done;
    generations.total += run.generations;
    images.done += sum(run.images.slice(0, done));
    images.total += sum(run.images);
  }
  return { generations, images, foreign, ...(problems.length ? { problem: problems.join('; ') } : {}) };
}

/** Counts per state, e.g. "2 done, 1 running, 0 queued, 0 failed, 1 pending". */
export function countStates(statuses: readonly TaskStatus[]): Record<TaskStateName, number> {
  const counts: Record<TaskStateName, number> = { done: 0, running: 0, queued: 0, failed: 0, pending: 0 };
  for (const s of statuses) counts[s.state]++;
  return counts;
}

/** A table with a row per task, and a closing line of counts. */
export function formatStatus(statuses: readonly TaskStatus[]): string {
  const rows = [['task', 'settings', 'state', 'generations', 'last attempt']];
  for (const s of statuses) {
    const where = s.queued
      ? `Slurm job ${s.queued.arrayJobId}_${s.queued.taskId} ${s.queued.state.toLowerCase()}${s.queued.node ? ` on ${s.queued.node}` : ''}`
      : s.last
        ? lastAttempt(s.last, s.state)
        : '-';
    rows.push([
      String(s.index),
      describeSettings(s.settings) || '-',
      s.state,
      `${s.generations.done}/${s.generations.total}`,
      s.problem ? `${where}; ${s.problem}` : where,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  const counts = countStates(statuses);
  lines.push(
    `${statuses.length} tasks: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
  );
  return lines.join('\n') + '\n';
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, v) => s + v, 0);
}

/** Where and how a task's last attempt ran: "host (Slurm job 12_3), exit 0" or "host, since <time>". */
function lastAttempt(last: NonNullable<TaskStatus['last']>, state: TaskStatus['state']): string {
  const p = last.placement;
  const slurm = p.slurmJobId ? ` (Slurm job ${p.slurmArrayJobId ?? p.slurmJobId}_${p.slurmArrayTaskId ?? ''})` : '';
  const outcome = last.exitCode === undefined ? `since ${last.startedAt}` : `exit ${last.exitCode}`;
  return `${p.host}${slurm}, ${outcome}${state === 'failed' && last.log ? `, see ${last.log}` : ''}`;
}
