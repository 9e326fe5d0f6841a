/** Where a task runs: this machine, and the Slurm job when it runs as one. */
import { hostname } from 'node:os';

// A type, not an interface, so that it is a Record<string, unknown> (GenerationsOptions.placement).
/** Where a task ran: the host, and the Slurm job, array and node when it ran under Slurm. */
export type Placement = {
  /** Host name of the machine. */
  host: string;
  /** Slurm's job id of this task (SLURM_JOB_ID), when it runs under Slurm. */
  slurmJobId?: string;
  /** The job array's id (SLURM_ARRAY_JOB_ID). */
  slurmArrayJobId?: string;
  /** This task's index in the array (SLURM_ARRAY_TASK_ID). */
  slurmArrayTaskId?: string;
  /** The node Slurm ran it on (SLURMD_NODENAME). */
  slurmNode?: string;
};

/** The placement an environment describes (pass process.env). */
export function placementFrom(env: Record<string, string | undefined>, host = hostname()): Placement {
  const p: Placement = { host };
  const map = {
    slurmJobId: 'SLURM_JOB_ID',
    slurmArrayJobId: 'SLURM_ARRAY_JOB_ID',
    slurmArrayTaskId: 'SLURM_ARRAY_TASK_ID',
    slurmNode: 'SLURMD_NODENAME',
  } as const;
  for (const [key, name] of Object.entries(map) as [keyof typeof map, string][]) if (env[name]) p[key] = env[name];
  return p;
}
