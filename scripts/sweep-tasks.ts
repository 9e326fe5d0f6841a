/**
 * The sweep's one coupling to the experiment CLIs: it checks a task's flags with the script's own
 * parser, runs a task through the script's own main() (in this process: the same code path as
 * the CLI), and trains the metrics classifier once before tasks that need it start side by side.
 */
import { resolve } from 'node:path';
import { configOf, defaultClassifierDir, familyOf, plannedTrainSize, RUN_SETTINGS, schemeName } from '../lib/declaration.ts';
import type { ExperimentScheme, Placement, Scheme, SweepExperiments, SweepPlan } from '../lib/index.ts';
import { main, parseExperimentArgs } from './cli.ts';
import type { MainSpec } from './cli.ts';
import { EXPERIMENTS, isExperimentName } from './experiments.ts';
import { scriptFile } from './invocation.ts';

function specOf(script: string): MainSpec {
  if (!isExperimentName(script)) throw new Error(`Script '${script}' is not an experiment; expected one of ${Object.keys(EXPERIMENTS).join(', ')}.`);
  return EXPERIMENTS[script] as MainSpec;
}

export const sweepExperiments: SweepExperiments = {
  names: Object.keys(EXPERIMENTS),
  async check(script, args) {
    const spec = specOf(script);
    const { raw, flags } = await parseExperimentArgs(spec, args);
    const family = familyOf(spec.family);
    // The ETA weighs tasks by their training examples; a CelebA task without a size uses the whole
    // folder, unknown until loaded: one unit.
    const counted = family.trainCount ? await family.trainCount(flags.settings) : undefined;
    const trainSize = counted ?? (flags.settings.trainSize as number | undefined) ?? (raw.limit as number | undefined) ?? 1;
    const synthetic = flags.syntheticSize ?? trainSize;
    const generations = Array.from({ length: flags.generations }, (_, i) => i + 1);
    // A 'fresh' without a size takes the family's default, which names its run directory.
    const sized = (s: ExperimentScheme): Scheme => (s.kind === 'fresh' && s.freshSize === undefined ? { kind: 'fresh', freshSize: family.freshSize!(trainSize) } : s);
    const schemes = flags.schemes.map(sized);
    return {
      seed: flags.seed,
      generations: flags.generations,
      config: plannedConfig(flags),
      runs: schemes.map((s) => ({ scheme: schemeName(s), images: generations.map((g) => flags.epochs * plannedTrainSize(s, g, trainSize, synthetic)) })),
    };
  },
};

/** The run.json config values a task's flags decide without loading its data (the sweep checks a run against them). */
function plannedConfig(flags: Awaited<ReturnType<typeof parseExperimentArgs>>['flags']): Record<string, unknown> {
  const trainSize = flags.settings.trainSize;
  return { ...configOf(RUN_SETTINGS, flags as unknown as Record<string, unknown>), ...(trainSize === undefined ? {} : { trainSize }) };
}

/** Runs one task's experiment in this process, recording where it runs in the new runs' run.json. */
export async function runExperimentTask(script: string, args: string[], placement: Placement): Promise<void> {
  const spec = specOf(script);
  await main({ ...spec, extra: () => ({ placement }) }, [process.execPath, scriptFile(script), ...args]);
}

/**
 * Trains (or loads) the MNIST metrics classifier once per folder the tasks use, when some task
 * measures the collapse metrics: tasks started side by side would otherwise each train their own.
 * `root` is the tasks' working directory (a relative --classifier-dir in the grid is relative to it).
 */
export async function prepareTasks(dir: string, plan: SweepPlan, root: string, log: (line: string) => void): Promise<void> {
  const spec = specOf(plan.grid.script);
  const { loadMnist, loadOrTrainClassifier, runArgs } = await import('../lib/index.ts');
  const done = new Set<string>();
  for (const task of plan.tasks) {
    const { raw, flags } = await parseExperimentArgs(spec, runArgs(task.args, dir));
    if (!flags.settings.metrics) continue;
    const given = raw['classifier-dir'] as string | undefined;
    const folder = given === undefined ? defaultClassifierDir() : resolve(root, given);
    if (done.has(folder)) continue;
    done.add(folder);
    (await loadOrTrainClassifier({ dir: folder, data: () => loadMnist(), log })).dispose();
  }
}
