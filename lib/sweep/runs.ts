/**
 * The sweep's one window onto run directories: how far a run got, and its records. Everything else
 * in lib/sweep/ goes through here, and this goes through lib/run/ (the only code that knows the
 * run-directory layout).
 */
import type { GenerationRecord } from '../record.ts';
import { readRunInfo } from '../run/info.ts';
import type { RunInfo } from '../run/info.ts';
import { isRunDir, readRun } from '../run/read.ts';
import { RunDir } from '../run/run-dir.ts';
import type { PlannedRun } from './plan.ts';

/** How far a planned run got, counting only what the sweep can trust; `problem` says why the rest does not count. */
export interface RunProgress {
  completed: number;
  /**
   * Why the run counts less than it holds: it is not the planned run (`foreign`), or a generation fails
   * verification.
   */
  problem?: { message: string; foreign: boolean };
}

/**
 * Complete generations of the planned run in `dir` (0 when there is no run there yet), trusted only
 * when its run.json matches the plan (seed and the planned config values) and its generations verify
 * (`hashes`: every file's SHA-256, else the manifests and their places only).
 */
export async function runProgress(
  dir: string,
  planned: PlannedRun,
  options: { hashes?: boolean } = {},
): Promise<RunProgress> {
  if (!(await isRunDir(dir))) return { completed: 0 };
  let info: RunInfo;
  try {
    info = await readRunInfo(dir);
  } catch (err) {
    return { completed: 0, problem: { message: (err as Error).message, foreign: true } };
  }
  const differs = planDifferences(info, planned);
  if (differs.length > 0) {
    return {
      completed: 0,
      problem: {
        message:
          `${dir} holds a run made with ${differs.join(', ')}; expected the run the plan gives this ` +
          `task (move it away, then run the task again).`,
        foreign: true,
      },
    };
  }
  const v = await new RunDir(dir, info).verify({ hashes: options.hashes });
  return v.problem
    ? {
        completed: v.completed,
        problem: {
          message: `generation ${v.problem.generation} does not verify (${v.problem.message.replace(/\.$/, '')})`,
          foreign: false,
        },
      }
    : { completed: v.completed };
}

/** "epochs 4, not 1" for each planned value the run.json does not have. */
function planDifferences(info: RunInfo, planned: PlannedRun): string[] {
  const out: string[] = [];
  if (info.seed !== planned.seed) out.push(`seed ${info.seed}, not ${planned.seed}`);
  if (info.config.scheme !== undefined && info.config.scheme !== planned.scheme)
    out.push(`scheme ${JSON.stringify(info.config.scheme)}, not ${JSON.stringify(planned.scheme)}`);
  for (const [key, value] of Object.entries(planned.config ?? {})) {
    if (JSON.stringify(info.config[key]) !== JSON.stringify(value))
      out.push(`${key} ${JSON.stringify(info.config[key])}, not ${JSON.stringify(value)}`);
  }
  return out;
}

/**
 * The run's run.json and the records of the generations runProgress trusts, with why it trusts no
 * more (`problem`); null when there is no run there yet or it is not the planned run.
 */
export async function readRunResults(
  dir: string,
  planned: PlannedRun,
): Promise<{ result: { info: RunInfo; records: GenerationRecord[] } | null; problem?: string }> {
  const progress = await runProgress(dir, planned);
  if (progress.problem?.foreign || progress.completed === 0)
    return { result: null, problem: progress.problem?.message };
  const { info, records } = await readRun(dir);
  return { result: { info, records: records.slice(0, progress.completed) }, problem: progress.problem?.message };
}
