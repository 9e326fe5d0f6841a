/**
 * One scheme of an experiment, trained with its progress reported under the scheme's name: the same code in this
 * process and in a worker process.
 */
import type { Progress } from '../progress.ts';
import type { GenerationRecord } from '../record.ts';
import type { GenerationsOptions } from '../resolve.ts';

/** The hooks that report one run's progress to `progress` under `label`, and its records to `onRecord`. */
export function progressHooks(
  label: string,
  progress: Progress,
  onRecord: (r: GenerationRecord) => void | Promise<void>,
): Pick<GenerationsOptions, 'log' | 'onGenerationStart' | 'onBatch' | 'onEpochEnd' | 'onGenerationEnd'> {
  return {
    log: (line) => progress.log(`[${label}] ${line}`),
    onGenerationStart: (c) => progress.startGeneration(label, c.generation, c.generations, c.trainSize, c.realFraction),
    onBatch: (c) => progress.batch(label, c),
    onEpochEnd: (c) => progress.epochEnd(label, c),
    onGenerationEnd: async (r) => {
      const losses = `train loss ${r.trainLoss.toFixed(2)}, test loss ${r.testLoss.toFixed(2)}`;
      const speed = `${r.seconds.toFixed(1)} s, ${Math.round(r.samplesPerSecond)} images/s`;
      progress.log(`[${label}] generation ${r.generation}: ${losses} (${speed})`);
      await onRecord(r);
    },
  };
}
