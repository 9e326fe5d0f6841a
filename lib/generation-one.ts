/** Generation 1's model, the yardstick analyses measure later generations with. */
import type { GenerativeModel, ModelInit } from '../models/types.ts';
import type { AnalyzeContext } from './resolve.ts';

/**
 * A fresh copy of generation 1's model of the run `ctx` belongs to: its weights taken from ctx.model
 * in generation 1, else loaded from the run's gen-001/ (after a resume). `measure` names what it is
 * for, in the error when there is neither.
 */
export async function copyGenerationOne<M extends GenerativeModel>(
  ctx: AnalyzeContext,
  factory: (init: ModelInit) => M,
  measure: string,
): Promise<M> {
  const copy = factory({ seed: 0 });
  try {
    if (ctx.generation === 1) copy.network.setWeights(ctx.model.network.getWeights());
    else if (ctx.run) await ctx.run.loadWeightsInto(copy, 1);
    else
      throw new Error(
        `Generation ${ctx.generation} has no generation 1 to measure ${measure} against: the ` +
          `analysis saw no generation 1 and has no run directory to load it from.`,
      );
  } catch (err) {
    copy.dispose();
    throw err;
  }
  return copy;
}
