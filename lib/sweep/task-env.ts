/**
 * What a sweep task's process learns from its environment: whether a local pool started it (then it
 * ends with its parent), where its log goes, and where it runs (host, Slurm job ids).
 */
import { slurmLogPath } from './layout.ts';
import { stopWhenParentEnds, SWEEP_CHILD_ENV, SWEEP_LOG_ENV } from './local.ts';
import { placementFrom } from './placement.ts';
import type { Placement } from './placement.ts';

/** Where a sweep task runs, read from its environment: its log file and its placement (host, Slurm ids). */
export interface TaskEnvironment {
  /** The task's log file, when a pool or Slurm gave one. */
  logFile?: string;
  placement: Placement;
}

/** Reads `env`; a task a local pool started also stops when that pool ends. */
export function taskEnvironment(env: NodeJS.ProcessEnv = process.env): TaskEnvironment {
  if (env[SWEEP_CHILD_ENV]) stopWhenParentEnds();
  const slurm = env.SLURM_ARRAY_JOB_ID
    ? slurmLogPath(env.SLURM_ARRAY_JOB_ID, String(env.SLURM_ARRAY_TASK_ID))
    : undefined;
  return { logFile: env[SWEEP_LOG_ENV] ?? slurm, placement: placementFrom(env) };
}
