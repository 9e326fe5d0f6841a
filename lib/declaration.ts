/**
 * The part of the public API that describes experiments without running one: the run settings,
 * the family registry, the schemes' names and the option error. It loads no tfjs, so a CLI imports
 * it at start (its --help and flag checks stay fast) and lib/index.ts, which re-exports it, only
 * when it runs.
 */

/** The settings of every run (generations, epochs, learningRate, ...): help, default and check of each. */
export { RUN_SETTINGS } from './run-settings.ts';
export type { RunSettings } from './run-settings.ts';
/** How settings are declared and resolved (a family's own settings are declared the same way). */
export { configOf, flagOf, resolveSettings } from './declare.ts';
export type { Setting, Settings as SettingTable, ValuesOf } from './declare.ts';
/** The family registry: data + model + sampler + analysis by name. */
export { familyOf } from './families/index.ts';
export { runSettingsOf } from './families/run-settings.ts';
export type { Family, FamilyAnalysis, FamilyData, LoadContext, Preset } from './families/types.ts';
/** The schemes by name: replace, accumulate, sub, sub-repl, mix, fresh. */
export { parseScheme, plannedTrainSize, schemeName, schemeNames, SCHEME_NAMES } from './schemes.ts';
/** The backends a run may ask for. */
export { BACKEND_CHOICES, BACKEND_ROUTES } from './backend-choices.ts';
/** The tracking options' defaults (steps.jsonl's frequency, TensorBoard). */
export { TRACKING_DEFAULTS } from './tracking/options.ts';
/** The language-model family's defaults and corpora. */
export { GPT_DEFAULTS } from '../models/gpt-defaults.ts';
export { TEXT_CORPORA } from '../data/text-corpora.ts';
export type { TextCorpus } from '../data/text-corpora.ts';
/** collapse-lab's own version (what --version prints). */
export { collapseLabVersion } from './own-package.ts';
/** Errors about an option name the option (API names; a CLI renders them with its flags). */
export { OptionError } from './options.ts';
/** Where the metrics' classifier is cached by default. */
export { defaultClassifierDir } from './metrics/classifier-dir.ts';
/** The theory simulators by name, their schemes, metrics and default figure (what the theory CLIs offer). */
export { THEORY_SIMULATORS } from './theory/simulators.ts';
export { THEORY_SCHEMES } from './theory/common.ts';
export { DEFAULT_PLOT, FIGURE_6, THEORY_METRICS } from './theory/run.ts';
/** The arms of the loss-sources study. */
export { armName, LOSS_SOURCE_ARMS, LOSS_SOURCE_SCHEMES } from './source-losses.ts';
