/**
 * Builds what a run of a family needs from its name and settings (plain JSON): checked settings,
 * then the real data, the model factory and the analysis. The experiment calls it in its own
 * process and every worker process calls it again with the same JSON, so both train the same.
 */
import type { ModelFactory } from '../../models/types.ts';
import { resolveSettings } from '../declare.ts';
import type { GenerationData } from '../resolve.ts';
import { familyOf } from './index.ts';
import type { Family, FamilyAnalysis, FamilyCheckContext, LoadContext } from './types.ts';

/** A family's settings checked, each alone and then together, before anything is loaded. */
export function checkFamilySettings(
  family: Family,
  given: Readonly<Record<string, unknown>> = {},
  run?: FamilyCheckContext,
): Record<string, unknown> {
  const values = resolveSettings(family.settings, given);
  family.check?.(values, given, run);
  return values;
}

export interface BuiltFamily {
  model: ModelFactory;
  data: GenerationData;
  /** What run.json records of the family: its data description. */
  config: Record<string, unknown>;
  analysis?: FamilyAnalysis;
  /** Examples sampled per generation that the family's settings ask for (Family.syntheticSize). */
  syntheticSize?: number;
  /** New real examples per generation of a scheme 'fresh' given without a size (Family.freshSize). */
  freshSize?: number;
}

export interface BuildContext extends LoadContext {
  /** The run's seed (the analysis' fixed draws). */
  seed: number;
  /** Build the analysis too. */
  analysis: boolean;
}

export async function buildFamily(
  name: string,
  given: Readonly<Record<string, unknown>>,
  ctx: BuildContext,
): Promise<BuiltFamily> {
  const family = familyOf(name);
  const values = checkFamilySettings(family, given);
  const loaded = await family.load(values, ctx);
  const { train, test, freshPool, config } = loaded;
  const model = await family.model(values, loaded);
  const analysisContext = { model, data: loaded, seed: ctx.seed, log: ctx.log };
  const analysis = ctx.analysis ? await family.analysis?.(values, analysisContext) : undefined;
  const syntheticSize = family.syntheticSize?.(values, loaded);
  const freshSize = family.freshSize?.(train.count);
  return {
    model,
    data: { train, test, ...(freshPool ? { freshPool } : {}) },
    config,
    ...(analysis ? { analysis } : {}),
    ...(syntheticSize !== undefined ? { syntheticSize } : {}),
    ...(freshSize !== undefined ? { freshSize } : {}),
  };
}
