/**
 * A family: a kind of data and a kind of model trained on it, with their own settings, the sampler
 * (the model's), and the analysis run after every generation. Families are registered in one place
 * (lib/families/index.ts); generic code (experiment, generation, analysis, run directory) reaches
 * data and models only through them, and worker processes rebuild a run's model and data from the
 * family's name and its settings (plain JSON).
 *
 * A family module loads no tfjs, no data and no model when it is imported (its builders import them
 * when called), so that a CLI's --help lists a family's flags without starting anything.
 */
import type { ImageSource } from '../../data/images.ts';
import type { BackendChoice } from '../backend-choices.ts';
import type { ModelFactory } from '../../models/types.ts';
import type { Setting, Settings, ValuesOf } from '../declare.ts';
import type { AnalyzeContext, AnalyzeResult } from '../resolve.ts';
import type { RunSettings } from '../run-settings.ts';
import type { Scheme } from '../schemes.ts';

/** A family's real data: training, held-out test and (for scheme 'fresh') pool examples. */
export interface FamilyData {
  /** Generation 1's training set. Examples are images, or token windows stored as [1, block + 1, 1] rows. */
  train: ImageSource;
  test: ImageSource;
  /** Real examples not in `train`, for scheme 'fresh'. */
  freshPool?: ImageSource;
  /** What run.json records of the data besides its digests (e.g. { dataset: 'mnist' }). */
  config: Record<string, unknown>;
}

/** What loading the data may use. */
export interface LoadContext {
  /** Load the fresh scheme's pool too (a scheme of the experiment is 'fresh'). */
  freshPool: boolean;
  /** Notes for the user. */
  log: (line: string) => void;
  /** Progress of a long load (e.g. decoding CelebA once into its cache). Defaults to none. */
  onProgress?: (what: string, done: number, total: number) => void;
}

/** A family's per-generation analysis, shared by every scheme of an experiment. */
export interface FamilyAnalysis {
  /** trainGenerations' `analyze` hook: fields for the record, files for the generation's folder. */
  analyze(ctx: AnalyzeContext): Promise<AnalyzeResult>;
  /** Loads (or trains) what the analysis needs once, e.g. a classifier, before worker processes start. */
  prepare?(): Promise<void>;
  /** What of the analysis changes the records: run.json's config.analysis. */
  settings: Record<string, unknown>;
  /**
   * What else the records depend on, known once prepared (the metrics' classifier: its digest);
   * added to config.analysis, so that a resume with another is refused. Defaults to nothing.
   */
  dependencies?(): Promise<Record<string, unknown>>;
  /** Frees what the analysis holds (its classifier, its reference features). */
  dispose(): void;
}

/** Presets override only the settings that differ from the defaults. */
export type Preset = Readonly<Partial<Record<keyof RunSettings | string, number>>>;

/** What a family's analysis is built from. */
export interface AnalysisContext<D extends FamilyData = FamilyData> {
  model: ModelFactory;
  data: D;
  seed: number;
  log: (line: string) => void;
}

/** How a family shows and defaults a run setting: its own default, help or flag (false: none). */
/** The run settings a family's check may weigh its settings against. */
export interface FamilyCheckContext {
  batchSize: number;
  backend: BackendChoice;
}

export type RunSettingOverride = Partial<Pick<Setting<unknown>, 'default' | 'defaultHelp' | 'help' | 'flag'>>;

/** What an experiment's closing table is made from. */
export interface ClosingInput {
  runs: readonly { scheme: string; dir: string; records: readonly Record<string, unknown>[] }[];
  /** The family's data description (FamilyData.config, as run.json records it). */
  data: Readonly<Record<string, unknown>>;
  /** The backend's name. */
  backend: string;
}

/** A family of data and model: its settings, presets, loader, model factory and analysis (see the top of this file). */
export interface Family<S extends Settings = Settings, D extends FamilyData = FamilyData> {
  /** Its name in the registry, e.g. 'mnist-vae'. */
  readonly name: string;
  /** What it trains, for headings: 'VAE on MNIST'. */
  readonly title: string;
  /** One sentence for --help: what a run of it does. */
  readonly summary: string;
  /** Its own settings (data, model, sampler, analysis), declared like the run's (declare.ts). */
  readonly settings: S;
  /** Named presets, e.g. quick and paper. */
  readonly presets: Readonly<Record<string, Preset>>;
  /** Whether its data has a pool of unused real examples for scheme 'fresh'. */
  readonly freshPool: boolean;
  /**
   * The run settings (lib/run-settings.ts) where this family defaults, describes or flags them
   * otherwise (e.g. smaller batches of windows, a --steps flag). Absent: as declared there.
   */
  readonly runSettings?: Readonly<Partial<Record<keyof RunSettings, RunSettingOverride>>>;
  /**
   * Checks across its settings (each was checked on its own already), before any data is loaded.
   * `given` holds the settings as given, before defaults, so that a message can say "the default".
   * `run`, where known, holds the run settings a family's limits depend on (its memory needs).
   */
  check?(values: ValuesOf<S>, given: Readonly<Record<string, unknown>>, run?: FamilyCheckContext): void;
  /** Loads the real data. */
  load(values: ValuesOf<S>, ctx: LoadContext): Promise<D>;
  /** The model factory for this data (its example shape; a vocabulary). */
  model(values: ValuesOf<S>, data: D): Promise<ModelFactory>;
  /** The analysis after every generation; absent: none. */
  analysis?(values: ValuesOf<S>, ctx: AnalysisContext<D>): Promise<FamilyAnalysis | undefined>;
  /**
   * Examples sampled per generation when the run's syntheticSize is not given, if the family's own
   * settings say (e.g. characters of text, cut into windows); undefined: the training set's size.
   */
  syntheticSize?(values: ValuesOf<S>, data: D): number | undefined;
  /** New real examples per generation of a scheme 'fresh' given without a freshSize; absent: it must be given. */
  freshSize?(trainCount: number): number;
  /** How --help states freshSize's default, e.g. '10% of the training windows'. */
  readonly freshSizeHelp?: string;
  /**
   * Training examples of generation 1, known without loading tfjs (sweeps plan with it). May read
   * the data; absent: the trainSize setting, else unknown.
   */
  trainCount?(values: ValuesOf<S>): Promise<number>;
  /** The CLI's closing text (a heading and a table per generation); absent: train and test loss per scheme. */
  closing?(input: ClosingInput): string;
}

/** The fresh scheme needs a family with a pool. */
export const usesFreshPool = (schemes: readonly Scheme[]): boolean => schemes.some((s) => s.kind === 'fresh');
