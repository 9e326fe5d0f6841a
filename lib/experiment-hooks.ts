/**
 * An experiment's own hooks (onBatch, onEpochEnd, onGenerationStart, log), called from the progress
 * events every scheme reports, in this process or relayed from its worker process: one way for both.
 */
import type { Progress } from './progress.ts';
import type { BatchContext, EpochContext } from './train.ts';

/** Where in the experiment an event happened. */
export interface SchemeContext {
  /** The scheme's name (its run directory's name). */
  scheme: string;
  generation: number;
  generations: number;
}

/** runExperiment's progress hooks: like trainGenerations' hooks, with the scheme's label first. */
export interface ExperimentHooks {
  /** Called after every batch of every scheme; `loss` is there every `logEvery` steps. Defaults to none. */
  onBatch?: (ctx: BatchContext & SchemeContext) => void;
  /** Called after every epoch of every scheme. Defaults to none. */
  onEpochEnd?: (ctx: EpochContext & SchemeContext) => void | Promise<void>;
  /** Called when a generation of a scheme starts, with the size of its training set. Defaults to none. */
  onGenerationStart?: (ctx: SchemeContext & { trainSize: number; realFraction: number }) => void | Promise<void>;
  /**
   * Notes for the user (resume information, the classifier's training), each prefixed with its scheme. Defaults
   * to none.
   */
  log?: (line: string) => void;
}

type Where = { generation?: number; generations?: number };

/** `progress` that also calls `hooks` (the contexts a run reports carry their generation). */
export function withHooks(progress: Progress, hooks: ExperimentHooks): Progress {
  if (!hooks.onBatch && !hooks.onEpochEnd && !hooks.onGenerationStart && !hooks.log) return progress;
  const at = (scheme: string, ctx: Where): SchemeContext => ({
    scheme,
    generation: ctx.generation ?? 0,
    generations: ctx.generations ?? 0,
  });
  return {
    startGeneration(label, generation, generations, trainSize, realFraction) {
      progress.startGeneration(label, generation, generations, trainSize, realFraction);
      void hooks.onGenerationStart?.({
        scheme: label,
        generation,
        generations,
        trainSize,
        realFraction: realFraction ?? Number.NaN,
      });
    },
    batch(label, ctx) {
      progress.batch(label, ctx);
      hooks.onBatch?.({ ...ctx, ...at(label, ctx as Where) });
    },
    epochEnd(label, ctx) {
      progress.epochEnd(label, ctx);
      void hooks.onEpochEnd?.({ ...ctx, ...at(label, ctx as Where) });
    },
    log(line) {
      progress.log(line);
      hooks.log?.(line);
    },
    stop: () => progress.stop(),
  };
}
