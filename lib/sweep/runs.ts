/**
 * The sweep's one window onto run directories: how far a run got, and its records. Everything else
 * in lib/sweep/ goes through here, and this goes through lib/run/ (the only code that knows the
 * run-directory layout).
 */
import type { GenerationRecord } from '../record.ts';
import type { RunInfo } from '../run/info.ts';
import { isRunDir, readRun } from '../run/read.ts';
import { RunDir } from '../run/run-dir.ts';

/** Complete generations of the run in `dir`; 0 when there is no run there yet. */
export async function runProgress(dir: string): Promise<number> {
  if (!(await isRunDir(dir))) return 0;
  return new RunDir(dir).completed();
}

/** The run's run.json and the records of its complete generations; null when there is no run there yet. */
export async function readRunResults(dir: string): Promise<{ info: RunInfo; records: GenerationRecord[] } | null> {
  if (!(await isRunDir(dir))) return null;
  const { info, records } = await readRun(dir);
  return { info, records };
}
