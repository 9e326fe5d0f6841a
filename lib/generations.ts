/**
 * trainGenerations(): the self-consuming loop. Generation 1 trains on real data; generation g >= 2
 * trains a freshly initialised model on the set its scheme builds from the real data and the
 * synthetic sets sampled so far. Test loss is always measured on the real held-out test set.
 * Options are checked in resolve.ts, one generation is generation.ts, the run directory is run/.
 */
import type { ImageSource } from '../data/images.ts';
import { runGeneration } from './generation.ts';
import type { GenerationRecord } from './record.ts';
import { resolveOptions } from './resolve.ts';
import type { GenerationsOptions, ResolvedOptions } from './resolve.ts';
import { openRunDir } from './run/open.ts';
import type { OpenedRun } from './run/open.ts';
import { createRunTracker } from './tracking/run-tracker.ts';

/** Runs the loop and returns one record per generation (including generations done before a resume). */
export async function trainGenerations(options: GenerationsOptions): Promise<GenerationRecord[]> {
  return runGenerations(await resolveOptions(options));
}

/** The loop on resolved options (an experiment resolves every scheme's options before the first starts). */
export async function runGenerations(o: ResolvedOptions): Promise<GenerationRecord[]> {
  const opened = o.runDir
    ? await openRunDir(o.runDir, o.runInfo, { resume: o.resume, force: o.force, mayChange: ['learningRate'] })
    : undefined;
  try {
    const done = opened ? await resumeFrom(o, opened) : { records: [], synthetic: [] };
    const records = [...done.records];
    const synthetic = [...done.synthetic];
    const start = (opened?.completed ?? 0) + 1;
    const runLearningRate = (opened?.info.config.learningRate as number | undefined) ?? o.learningRate;
    const tracker = await createRunTracker({
      runDir: o.runDir,
      tensorboard: o.tensorboard,
      logEvery: o.logEvery,
      resume: o.resume,
      runInfo: opened?.info ?? o.runInfo,
    });
    // Optimiser steps so far: step numbers continue from generation to generation (and across a resume).
    let stepsBefore = records.reduce((n, r) => n + o.epochs * Math.ceil(r.trainSize / o.batchSize), 0);
    for (let g = start; g <= o.generations; g++) {
      const out = await runGeneration(o, g, {
        run: opened?.run,
        synthetic,
        resuming: o.resume && g === start,
        runLearningRate,
        tracker,
        stepsBefore,
      });
      stepsBefore += o.epochs * Math.ceil(out.record.trainSize / o.batchSize);
      if (out.synthetic) synthetic.push(out.synthetic);
      records.push(out.record);
      await o.onGenerationEnd?.(out.record);
    }
    return records;
  } finally {
    await opened?.release(o.log);
  }
}

/** What the generations already on disk give a resumed run: their records and synthetic sets. */
async function resumeFrom(
  o: ResolvedOptions,
  opened: OpenedRun,
): Promise<{ records: GenerationRecord[]; synthetic: ImageSource[] }> {
  opened.notes.forEach((n) => o.log?.(n));
  const runLearningRate = opened.info.config.learningRate as number;
  if (runLearningRate !== o.learningRate) {
    o.log?.(
      `The learning rate is ${o.learningRate} from generation ${opened.completed + 1} on (the run ` +
        `started with ${runLearningRate}); those generations record it.`,
    );
  }
  if (opened.completed === 0) return { records: [], synthetic: [] };
  o.log?.(`Resuming ${o.runDir} after generation ${opened.completed}.`);
  const records = await opened.run.records(Math.min(opened.completed, o.generations));
  const synthetic: ImageSource[] = [];
  for (let g = 1; g <= Math.min(opened.completed, o.generations - 1); g++)
    synthetic.push(await opened.run.synthetic(g));
  return { records, synthetic };
}
