/**
 * What an analysis' numbers depend on beyond its settings (the metrics' classifier, by the digest of
 * its weights), known only once it is loaded. It is bound to each run: recorded in run.json's
 * config.analysis, and a resume that would measure with another is refused before anything is written.
 */
import { readRunInfo } from './run/info.ts';
import { opt, OptionError, say } from './options.ts';
import type { ResolvedOptions } from './resolve.ts';

/** The config keys dependencies may add under config.analysis (checked here, not by the plain config comparison). */
export const DEPENDENCY_KEYS: readonly string[] = ['analysis.classifierDigest'];

/**
 * Adds `dependencies` to every run's config.analysis; for a run being resumed, each must equal what
 * its run.json recorded. `option` and `where` name where the classifier came from (the option, and
 * the folder it names; undefined for a classifier given as a function).
 */
export async function bindDependencies(
  runs: readonly { dir: string; resolved: ResolvedOptions }[],
  dependencies: Record<string, unknown>,
  option: string,
  where: string | undefined,
): Promise<void> {
  if (Object.keys(dependencies).length === 0) return;
  for (const { dir, resolved } of runs) {
    const found = resolved.resume ? await readRunInfo(dir).catch(() => null) : null;
    const recorded = (found?.config.analysis ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(dependencies)) {
      if (found && recorded[key] !== value) throw otherClassifier(dir, recorded[key], value, option, where);
    }
    const analysis = { ...(resolved.runInfo.config.analysis as Record<string, unknown>), ...dependencies };
    resolved.config = { ...resolved.config, analysis };
    resolved.runInfo.config = { ...resolved.runInfo.config, analysis };
  }
}

function otherClassifier(
  dir: string,
  recorded: unknown,
  now: unknown,
  option: string,
  where: string | undefined,
): OptionError {
  const was =
    recorded === undefined
      ? 'a classifier its run.json does not record (an older collapse-lab)'
      : `the classifier ${String(recorded)}`;
  const source = where === undefined ? say`the one ${opt(option)} gives` : say`the one in ${opt(option)} ${where}`;
  const sentence = [
    ...say`Run directory ${dir} was measured with ${was}, not with `,
    ...source,
    ...say` (${String(now)}); expected the classifier the run was made with to resume it `,
    ...say`(or ${opt('force', true)} without ${opt('resume', true)} to start over).`,
  ];
  return new OptionError(option, where, sentence);
}
