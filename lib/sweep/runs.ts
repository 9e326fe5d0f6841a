/**
 * The sweep's one window onto run directories: how far a run got, and its records. Everything else
 * in lib/sweep/ goes through here, so that the run-directory layout stays lib/checkpoint.ts's
 * business (DESIGN.md: only lib/run/ knows it).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { completedGenerations, readRunInfo } from '../checkpoint.ts';
import type { RunInfo } from '../checkpoint.ts';
import { readRun } from '../experiment.ts';
import type { GenerationRecord } from '../record.ts';

/** Complete generations of the run in `dir`; 0 when there is no run there yet. */
export async function runProgress(dir: string): Promise<number> {
  if (!(await stat(join(dir, 'run.json')).catch(() => null))) return 0;
  return completedGenerations(dir);
}

/** The run's run.json and the records of its complete generations; null when there is no run there yet. */
export async function readRunResults(dir: string): Promise<{ info: RunInfo; records: GenerationRecord[] } | null> {
  if (!(await stat(join(dir, 'run.json')).catch(() => null))) return null;
  return { info: await readRunInfo(dir), records: await readRun(dir) };
}
