/**
 * Names in a sweep folder (plan.ts draws the layout): each is the sweep's own there, in a folder only a sweep
 * plan makes.
 */
import { basename, join } from 'node:path';

/** The plan's file name in a sweep folder. */
export const SWEEP_FILE = 'sweep.json';
export const TASKS_DIR = 'tasks';
export const LOGS_DIR = 'logs';
/** A local task's log, relative to the sweep folder: logs/task-NNN.log, NNN its task folder's name. */
export const localLogPath = (taskDir: string): string => join(LOGS_DIR, `task-${basename(taskDir)}.log`);
/**
 * A Slurm array task's log, relative to the sweep folder: logs/slurm-<array job>_<task>.out (sweep.sbatch passes
 * sbatch's %A and %a).
 */
export const slurmLogPath = (arrayJobId: string, taskId: string): string =>
  join(LOGS_DIR, `slurm-${arrayJobId}_${taskId}.out`);
/** True for a file name in logs/ that localLogPath or slurmLogPath makes. */
export const isLogName = (name: string): boolean => /^(task-\d+\.log|slurm-\d+_\d+\.out)$/.test(name);
export const SUMMARY_CSV = 'summary.csv';
export const AGGREGATE_CSV = 'aggregate.csv';
export const SBATCH_FILE = 'sweep.sbatch';
export const SLURM_FILE = 'slurm.json';
/** The report of every run side by side (the run report), beside the sweep page. */
export const RUNS_REPORT = 'runs.html';

/**
 * Files the sweep writes into its folder besides sweep.json, ours by their names (a forced re-plan removes them;
 * pages and pictures go by their marks).
 */
export const SWEEP_FILES = [SUMMARY_CSV, AGGREGATE_CSV, SBATCH_FILE, SLURM_FILE];
