/**
 * A sweep folder and its plan (sweep.json): the grid expanded into numbered tasks, each one
 * invocation of an experiment script with its own output folder:
 *
 *   <sweep>/sweep.json          the plan (written once; re-planning another grid needs force)
 *   <sweep>/tasks/NNN/          task N's --out: its run directories (<scheme>/) and report.html
 *   <sweep>/tasks/NNN/task.json where and when task N ran, and how each attempt ended (task-state.ts)
 *   <sweep>/logs/               each task's output (task-NNN.log locally, slurm-<job>_<N>.out on Slurm)
 *
 * Paths in sweep.json are relative to the sweep folder, so the folder can be moved (or copied to
 * a cluster) as a whole.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../run/atomic.ts';
import { whyNoFolder } from '../run/folder-check.ts';
import { expandGrid, flagArgs } from './grid.ts';
import { SWEEP_FILE, TASKS_DIR } from './layout.ts';
import { checkPlanFile, sealPlan } from './plan-file.ts';
import { removeSweepOutputs } from './remove.ts';
import type { FlagValue, Grid, Settings } from './grid.ts';

const SWEEP_FORMAT = 'collapse-lab-sweep/2';
/** Plans from before sweep.json carried a checksum: read with their paths checked. */
const LEGACY_SWEEP_FORMAT = 'collapse-lab-sweep/1';
export { SWEEP_FILE };

/**
 * What the sweep needs to know about the experiment scripts; the CLI supplies it (scripts/), so
 * that lib/ does not depend on scripts.
 */
export interface SweepExperiments {
  /** The script names a grid may use. */
  names: readonly string[];
  /**
   * Parses and checks one task's flags exactly as the script would, without running anything;
   * throws one sentence on bad flags.
   */
  check(script: string, args: readonly string[]): Promise<TaskCheck>;
}

/** What checking a task's flags tells the plan. */
export interface TaskCheck {
  /** The task's runs, one per scheme: its folder name under the task's --out. */
  runs: { scheme: string; images: number[] }[];
  seed: number;
  /** Values every run's run.json config will hold (top-level keys, e.g. epochs, learningRate). */
  config?: Record<string, unknown>;
  generations: number;
}

/** One run directory a task will make: its folder, scheme, seed, generations and training images. */
export interface PlannedRun {
  /** Run directory, relative to the sweep folder. */
  dir: string;
  scheme: string;
  seed: number;
  generations: number;
  /** Training images per generation (epochs x training-set size), to weigh the ETA. */
  images: number[];
  /** Values the run's run.json config must hold (its flags' meaning), checked before the run is trusted. */
  config?: Record<string, unknown>;
}

/** One numbered task of a sweep: its settings, flags and run directories. */
export interface PlannedTask {
  index: number;
  /** This task's values of the axes. */
  settings: Settings;
  /** The script's flags for this task (the sweep adds --out, --resume and --jobs when it runs it). */
  args: string[];
  /** The task's --out, relative to the sweep folder. */
  dir: string;
  runs: PlannedRun[];
}

/** The plan in sweep.json: the grid, the script and the numbered tasks. */
export interface SweepPlan {
  format: string;
  /** The grid as planned. */
  grid: Grid;
  /** The grid file it was read from, as given. */
  gridFile: string;
  createdAt: string;
  tasks: PlannedTask[];
}

/**
 * Options of planSweep: the sweep folder, the grid and its file, the scripts' checks, and whether to replace
 * another plan.
 */
export interface PlanOptions {
  /** The sweep folder. */
  dir: string;
  grid: Grid;
  /** Where the grid came from (named in messages and recorded). */
  gridFile: string;
  experiments: SweepExperiments;
  /** Replace a sweep planned from another grid (its tasks, logs and results are deleted). Defaults to false. */
  force?: boolean;
}

/** What planSweep did: the plan, and whether it wrote it. */
export interface PlanResult {
  plan: SweepPlan;
  /** False when the folder already held this very plan (nothing was written). */
  written: boolean;
}

/**
 * Expands the grid into tasks, checks every task's flags with the script's own parser, then writes
 * sweep.json; nothing is written when any task is invalid. The same grid again is a no-op.
 */
export async function planSweep(options: PlanOptions): Promise<PlanResult> {
  const { dir, grid, gridFile, experiments } = options;
  if (!experiments.names.includes(grid.script)) {
    throw new Error(
      `Grid file ${gridFile} names the script '${grid.script}'; expected one of ${experiments.names.join(', ')}.`,
    );
  }
  const blocked = await whyNoFolder(dir);
  if (blocked)
    throw new Error(
      `Sweep folder ${dir} ${blocked}; expected a folder this process may write the sweep into (choose another --dir).`,
    );
  const combos = expandGrid(grid);
  const width = Math.max(3, String(combos.length - 1).length);
  const tasks: PlannedTask[] = [];
  for (const [index, settings] of combos.entries()) {
    const args = flagArgs({ ...grid.flags, ...settings });
    const taskDir = join(TASKS_DIR, String(index).padStart(width, '0'));
    let check: TaskCheck;
    try {
      check = await experiments.check(grid.script, runArgs(args, join(resolve(dir), taskDir)));
    } catch (err) {
      const where = Object.keys(settings).length ? ` (task ${index}: ${describeSettings(settings)})` : '';
      throw new Error(
        `Grid file ${gridFile} does not give ${grid.script} valid flags${where}: ${(err as Error).message.replace(/\.$/, '')}.`,
      );
    }
    const runs = check.runs.map((r) => ({
      dir: join(taskDir, r.scheme),
      scheme: r.scheme,
      seed: check.seed,
      generations: check.generations,
      images: r.images,
      config: check.config,
    }));
    tasks.push({ index, settings, args, dir: taskDir, runs });
  }

  const existing = await readSweepIfAny(dir);
  if (existing) {
    if (JSON.stringify(existing.grid) === JSON.stringify(grid)) return { plan: existing, written: false };
    if (!options.force) {
      throw new Error(
        `Sweep folder ${dir} was planned from another grid (${existing.gridFile}, ${existing.tasks.length} ` +
          `tasks); expected the same grid, or --force to replace that sweep and its results.`,
      );
    }
    // Only what the sweep made goes (its runs, logs and results, each shown to be ours first); the user's files stay.
    await removeSweepOutputs(dir, existing);
  } else {
    const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      if (err.code === 'ENOTDIR') throw new Error(`Sweep folder ${dir} is a file; expected a folder.`);
      throw err;
    });
    if (entries.length > 0)
      throw new Error(`Sweep folder ${dir} is not empty and holds no ${SWEEP_FILE}; expected a new or empty folder.`);
  }
  const plan: SweepPlan = { format: SWEEP_FORMAT, grid, gridFile, createdAt: new Date().toISOString(), tasks };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, SWEEP_FILE), JSON.stringify(sealPlan(plan), null, 2) + '\n');
  return { plan, written: true };
}

/**
 * The task's full command-line flags: its own, its --out, --resume, and one process per task unless the grid
 * says otherwise.
 */
export function runArgs(args: readonly string[], out: string): string[] {
  const jobs = args.some((a) => a === '--jobs' || a.startsWith('--jobs='));
  return [...args, '--out', out, '--resume', ...(jobs ? [] : ['--jobs', '1'])];
}

/** Reads sweep.json; one sentence when the folder holds no plan. */
export async function readSweep(dir: string): Promise<SweepPlan> {
  const plan = await readSweepIfAny(dir);
  if (!plan) throw new Error(`Sweep folder ${dir} holds no ${SWEEP_FILE}; expected a folder made by 'sweep.ts plan'.`);
  return plan;
}

async function readSweepIfAny(dir: string): Promise<SweepPlan | null> {
  const path = join(dir, SWEEP_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new Error(`Sweep folder ${dir} is a file; expected a folder.`);
    throw err;
  }
  let plan: SweepPlan;
  try {
    plan = JSON.parse(text) as SweepPlan;
  } catch (err) {
    throw new Error(
      `Sweep file ${path} is not valid JSON (${(err as Error).message}); expected the ${SWEEP_FILE} 'sweep.ts plan' writes.`,
    );
  }
  if (plan?.format !== SWEEP_FORMAT && plan?.format !== LEGACY_SWEEP_FORMAT)
    throw new Error(`Sweep file ${path} has format '${plan?.format}'; expected '${SWEEP_FORMAT}'.`);
  checkPlanFile(path, plan, plan.format === SWEEP_FORMAT);
  const { checksum: _checksum, ...body } = plan as SweepPlan & { checksum?: string };
  return body;
}

/** The task with this index; one sentence when there is none. */
export function taskAt(plan: SweepPlan, index: number, source = '--task'): PlannedTask {
  const task = Number.isInteger(index) ? plan.tasks[index] : undefined;
  if (!task)
    throw new Error(
      `${source} ${index} is not a task of this sweep; expected an integer from 0 to ${plan.tasks.length - 1}.`,
    );
  return task;
}

/** "scheme=replace seed=0" */
export function describeSettings(settings: Record<string, FlagValue>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
