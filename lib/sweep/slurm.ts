/**
 * A sweep as a Slurm job array: sweep.sbatch (one array task per unfinished task), sbatch to submit
 * it, squeue to follow it. It is the user's own Slurm: nothing here schedules anything.
 *
 *   <sweep>/sweep.sbatch   the batch script (--array=<tasks>%K, resources, logs)
 *   <sweep>/slurm.json     every submission: array job id, tasks, time
 *   <sweep>/logs/slurm-<array job>_<task>.out
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { quote } from 'shell-quote';
import { writeFileAtomic } from '../run/atomic.ts';
import { LOGS_DIR, SBATCH_FILE, SLURM_FILE, slurmLogPath } from './layout.ts';
import type { SweepPlan } from './plan.ts';
import { watchSweep } from './progress.ts';
import type { QueueEntry, TaskStatus } from './status.ts';

const run = promisify(execFile);

/** What each task of the job array asks Slurm for: partition, GPUs, CPUs, memory, time. */
export interface SlurmResources {
  /** --partition. Defaults to the cluster's default partition. */
  partition?: string;
  /** --cpus-per-task. Defaults to 1 (wasm and cpu train on one core). */
  cpusPerTask?: number;
  /** --gpus-per-task. Defaults to none. */
  gpusPerTask?: number;
  /** --mem, e.g. '8G'. Defaults to the cluster's default. */
  mem?: string;
  /** --time, e.g. '04:00:00'. Defaults to the partition's limit. */
  time?: string;
  /** At most this many array tasks at once (%K). Defaults to no limit. */
  maxRunning?: number;
  /** --job-name. Defaults to 'collapse-lab-<sweep folder name>'. */
  jobName?: string;
  /** More sbatch options, one each, e.g. '--qos=normal'. Defaults to none. */
  extra?: string[];
}

/** Options of writeSbatch: the Slurm resources and the tasks of the job array. */
export interface SbatchOptions extends SlurmResources {
  /** The sweep folder. */
  dir: string;
  /** Task indices to submit. */
  tasks: readonly number[];
  /** The job's working directory: the repository checkout whose code the tasks run. */
  workdir: string;
  /**
   * The command that runs one task; SLURM_ARRAY_TASK_ID picks it (e.g. node --import tsx scripts/sweep.ts run
   * --dir D).
   */
  command: readonly string[];
}

/** The text of sweep.sbatch. */
export function sbatchScript(o: SbatchOptions): string {
  if (o.tasks.length === 0) throw new Error('No task to submit; expected at least one unfinished task.');
  for (const e of o.extra ?? []) {
    if (!/^-[^\n]*$/.test(e))
      throw new Error(
        `Extra sbatch option '${e}' is not one option; expected a single line starting with '-', ` + `e.g. --qos=long.`,
      );
  }
  const dir = resolve(o.dir);
  const array = arraySpec(o.tasks) + (o.maxRunning ? `%${o.maxRunning}` : '');
  const lines = [
    '#!/bin/bash',
    `# collapse-lab sweep ${dir}: one array task per unfinished task; written by 'sweep.ts slurm'.`,
    // The default name is only a label: what sbatch cannot read in the folder's name becomes '-'.
    `#SBATCH --job-name=${o.jobName ? sbatchValue(o.jobName, '--job-name') : `collapse-lab-${dir.split('/').at(-1)!.replace(UNSAFE_ALL, '-')}`}`,
    `#SBATCH --array=${array}`,
    `#SBATCH --output=${sbatchValue(join(dir, slurmLogPath('%A', '%a')), '--dir', o.dir)}`,
    `#SBATCH --chdir=${sbatchValue(resolve(o.workdir), 'The checkout folder')}`,
    '#SBATCH --ntasks=1',
    `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 1}`,
    ...(o.gpusPerTask ? [`#SBATCH --gpus-per-task=${o.gpusPerTask}`] : []),
    ...(o.partition ? [`#SBATCH --partition=${sbatchValue(o.partition, '--partition')}`] : []),
    ...(o.mem ? [`#SBATCH --mem=${sbatchValue(o.mem, '--mem')}`] : []),
    ...(o.time ? [`#SBATCH --time=${sbatchValue(o.time, '--time')}`] : []),
    ...(o.extra ?? []).map((e) => `#SBATCH ${e}`),
    '',
    "# Dawn (WebGPU) wants a runtime folder; a login session's is not there on a compute node.",
    'if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then',
    '  export XDG_RUNTIME_DIR="${TMPDIR:-/tmp}/collapse-lab-xdg-$(id -u)"',
    '  mkdir -p -m 700 "$XDG_RUNTIME_DIR"',
    'fi',
    `exec ${quote([...o.command])}`,
    '',
  ];
  return lines.join('\n');
}

/** Slurm's --array list for task indices: "0-3", "0,2,5-7". */
export function arraySpec(tasks: readonly number[]): string {
  const sorted = [...new Set(tasks)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** What sbatch cannot read in an #SBATCH line's value (it reads them without a shell). */
const UNSAFE = /[\s'"\\]/;
const UNSAFE_ALL = /[\s'"\\]/g;

/**
 * sbatch reads #SBATCH lines itself, not through a shell: a value with spaces or quotes cannot be
 * written there. `input` names where the value came from (a flag), `given` the value as given.
 */
function sbatchValue(v: string, input: string, given = v): string {
  const bad = UNSAFE.exec(v)?.[0];
  if (bad === undefined) return v;
  const what =
    bad === '\n'
      ? 'a newline'
      : bad === '\t'
        ? 'a tab'
        : /\s/.test(bad)
          ? 'a space'
          : bad === '\\'
            ? 'a backslash'
            : 'a quote';
  const sentence = `${input} ${JSON.stringify(given)} has ${what}, which an #SBATCH line cannot hold (sbatch reads those lines without a shell)`;
  throw new Error(`${sentence}; expected a value without spaces, newlines, quotes or backslashes.`);
}

/** Writes sweep.sbatch (and the logs folder it names); returns its path. */
export async function writeSbatch(o: SbatchOptions): Promise<string> {
  await mkdir(join(o.dir, LOGS_DIR), { recursive: true });
  const path = join(o.dir, SBATCH_FILE);
  await writeFileAtomic(path, sbatchScript(o));
  return path;
}

/** One sbatch submission of a sweep: its array job id and tasks. */
export interface Submission {
  arrayJobId: string;
  tasks: number[];
  submittedAt: string;
}

/** Submits sweep.sbatch with sbatch and records the submission in slurm.json; returns it. */
export async function submitSbatch(dir: string, tasks: readonly number[], sbatch = 'sbatch'): Promise<Submission> {
  let stdout: string;
  try {
    ({ stdout } = await run(sbatch, ['--parsable', join(resolve(dir), SBATCH_FILE)]));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error(
        `sbatch was not found; expected Slurm's client commands on the PATH (on this machine: bash ` + `.ci/slurm.sh).`,
      );
    throw new Error(
      `sbatch refused ${join(dir, SBATCH_FILE)}: ${(e.stderr ?? e.message).trim().replace(/\s*\n\s*/g, ' ')}`,
    );
  }
  const arrayJobId = stdout.trim().split(';')[0];
  if (!/^\d+$/.test(arrayJobId)) throw new Error(`sbatch printed '${stdout.trim()}'; expected a job id.`);
  const submission: Submission = { arrayJobId, tasks: [...tasks], submittedAt: new Date().toISOString() };
  const all = await readSubmissions(dir);
  await writeFileAtomic(join(dir, SLURM_FILE), JSON.stringify({ submissions: [...all, submission] }, null, 2) + '\n');
  return submission;
}

/** The sweep's submissions so far (slurm.json). */
export async function readSubmissions(dir: string): Promise<Submission[]> {
  const text = await readFile(join(dir, SLURM_FILE), 'utf8').catch(() => null);
  if (text === null) return [];
  return (JSON.parse(text) as { submissions: Submission[] }).submissions;
}

/**
 * The queue's entries of these array jobs, one per array task (squeue -r); null when there is no
 * squeue on this machine.
 */
export async function squeue(arrayJobIds: readonly string[], command = 'squeue'): Promise<QueueEntry[] | null> {
  let stdout: string;
  try {
    // All jobs, filtered here: squeue -j fails outright once one of the ids has left its memory.
    ({ stdout } = await run(command, ['--noheader', '--array', '--format=%A|%F|%K|%T|%N']));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`squeue failed: ${((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`);
  }
  const ids = new Set(arrayJobIds);
  const out: QueueEntry[] = [];
  for (const line of stdout.split('\n')) {
    const [jobId, arrayJobId, taskId, state, node] = line.trim().split('|');
    if (!jobId || !ids.has(arrayJobId)) continue;
    // A pending array's tasks that have not started yet may be one line, "0-3%2".
    for (const t of expandArray(taskId)) out.push({ jobId, arrayJobId, taskId: t, state, node: node ?? '' });
  }
  return out;
}

/** squeue's %K: "3", "0-3%2", "[4-7]", "1,3". */
function expandArray(spec: string): number[] {
  const body = spec.replace(/^\[|\]$/g, '').split('%')[0];
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.push(i);
  }
  return out;
}

/** Options of waitForArrays: the sweep, its array jobs, and how often to look at the queue. */
export interface WaitOptions {
  dir: string;
  plan: SweepPlan;
  /** The array jobs to wait for. */
  arrayJobIds: readonly string[];
  /** Milliseconds between looks at the queue. Defaults to 5000. */
  intervalMs?: number;
  /** Progress. Defaults to process.stderr. */
  stream?: Writable & { isTTY?: boolean };
  /** Stops waiting (the jobs go on). */
  signal?: AbortSignal;
  /** The squeue command. Defaults to 'squeue'. */
  squeueCommand?: string;
}

/**
 * Waits until the array jobs have left the queue, showing progress; returns every task's status.
 * No deadline of its own: the jobs' --time limits how long they may run, and a queue may hold a
 * job back for days.
 */
export async function waitForArrays(o: WaitOptions): Promise<TaskStatus[]> {
  const queue = () => squeue(o.arrayJobIds, o.squeueCommand);
  const progress = watchSweep({ dir: o.dir, plan: o.plan, stream: o.stream, queue, intervalMs: o.intervalMs ?? 5000 });
  let statuses: TaskStatus[];
  try {
    for (;;) {
      const entries = await queue();
      if (entries === null)
        throw new Error(`squeue was not found; expected Slurm's client commands on the PATH to wait for the jobs.`);
      if (entries.length === 0 || o.signal?.aborted) break;
      await sleep(o.intervalMs ?? 5000, undefined, { signal: o.signal }).catch(() => {});
    }
  } finally {
    // Its final look: every task's status with the queue as it is now.
    statuses = await progress.stop();
  }
  return statuses;
}
