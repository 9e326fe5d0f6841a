/**
 * steps.jsonl: the training loss every N optimiser steps, one JSON line each. Lines are appended at
 * the end of each epoch and flushed before that epoch's checkpoint is written, so a checkpoint never
 * exists without its steps; a resume cuts the log back to the checkpoint it continues from (which
 * also drops a line torn by a crash), so the log reads as if the run had never stopped.
 */
import { open, readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic.ts';
import { runFile, STEPS_LOG } from './layout.ts';

/** One logged step. */
export interface StepRecord {
  /** Optimiser steps since the run's first, counting every generation's (1-based). */
  step: number;
  generation: number;
  epoch: number;
  /** The batch's mean loss per image (nats). */
  loss: number;
  /** Training seconds of this generation so far (continuing across a resume). */
  seconds: number;
}

const FIELDS = ['step', 'generation', 'epoch', 'loss', 'seconds'] as const;

function parseLine(line: string): StepRecord | null {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    return FIELDS.every((k) => typeof r[k] === 'number') ? (r as unknown as StepRecord) : null;
  } catch {
    return null;
  }
}

/** The steps of the run in `dir` ([] without a log); a torn or foreign line stops the reading there. */
export async function readSteps(dir: string): Promise<StepRecord[]> {
  const text = await readFile(runFile(dir, STEPS_LOG), 'utf8').catch(() => '');
  const out: StepRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const r = parseLine(line);
    if (!r) break;
    out.push(r);
  }
  return out;
}

/** Appends steps to the run's log and flushes them to disk. */
export async function appendSteps(dir: string, steps: readonly StepRecord[]): Promise<void> {
  if (steps.length === 0) return;
  const handle = await open(runFile(dir, STEPS_LOG), 'a');
  try {
    await handle.write(
      steps
        .map(
          (s) =>
            JSON.stringify({
              step: s.step,
              generation: s.generation,
              epoch: s.epoch,
              loss: s.loss,
              seconds: s.seconds,
            }) + '\n',
        )
        .join(''),
    );
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Keeps the steps up to the end of `epoch` of `generation` (0: none of it) and drops the rest. */
export async function cutSteps(dir: string, generation: number, epoch: number): Promise<void> {
  const steps = await readSteps(dir);
  const kept = steps.filter((s) => s.generation < generation || (s.generation === generation && s.epoch <= epoch));
  const text = kept.map((s) => JSON.stringify(s) + '\n').join('');
  const old = await readFile(runFile(dir, STEPS_LOG), 'utf8').catch(() => null);
  if (old !== null && old !== text) await writeFileAtomic(runFile(dir, STEPS_LOG), text);
}
