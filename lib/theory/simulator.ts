/**
 * One frame for the theory simulators. A simulator states its options (fields.ts), the curves it
 * reports, its trial loop and its closed forms once; `defineSimulator` derives the rest: option
 * checks with defaults, the simulate-on-workers-and-summarise run, the result, and the `--json`
 * object (full configuration, every estimate, its standard error and its closed form).
 */
import type { Curve, Estimate, Records, TheoryScheme, TrialRunOptions } from './common.ts';
import { perGeneration, THEORY_SCHEMES } from './common.ts';
import { choice, integer, optionError, resolveFields } from './fields.ts';
import type { ConfigOf, Field, Fields, OptionsOf } from './fields.ts';
import { defaultWorkers, runTrials } from './trials.ts';
import type { TrialRange } from './trials.ts';

/** The fields every simulator has; each simulator gives its own defaults. */
export type SharedFields = {
  /** How generation g >= 2's training set is built (see TheoryScheme). */
  scheme: Field<TheoryScheme>;
  /** Generations, the first fitted on real data. */
  generations: Field<number>;
  /** Independent repetitions of the whole G-generation run. */
  trials: Field<number>;
  /** Seed of every random stream; trial t draws from `createRng(seed, t, ...)`. */
  seed: Field<number>;
};

/** The shared fields' defaults where a simulator does not say otherwise. */
const SHARED_DEFAULTS = { generations: 10, trials: 1000, seed: 0 };

function sharedFields(given: SimulatorSpec<string, Fields, string, string>['shared']) {
  const d = { ...SHARED_DEFAULTS, ...given };
  return {
    head: {
      scheme: choice({
        choices: THEORY_SCHEMES,
        default: d.scheme,
        help: 'how generation g >= 2 builds its training set',
      }),
    },
    tail: {
      generations: integer({ default: d.generations, min: 1, help: 'generations, the first fitted on real data' }),
      trials: integer({ default: d.trials, min: 2, help: 'independent repetitions' }),
      seed: integer({ default: d.seed, min: 0, help: 'seed of every random draw' }),
    },
  };
}

/** A reported curve. */
export interface MetricSpec {
  /** What it is, for axis labels, e.g. 'test error E‖ŵ_k − w*‖²_Σ'. */
  readonly label: string;
  /** Whether the simulator has a closed form for it (for some options; null where not). */
  readonly closedForm: boolean;
  /** Whether the estimate has a standard error. Defaults to true. */
  readonly se?: boolean;
  /**
   * Names of approximate closed forms (see Curve.forms); each is a `--json` key theory<Metric><Name>. Defaults
   * to none.
   */
  readonly forms?: readonly string[];
}

/** The shared fields' values. */
export interface SharedConfig {
  scheme: TheoryScheme;
  generations: number;
  trials: number;
  seed: number;
}

/** The resolved configuration of a simulator with own fields F. */
export type TheoryConfig<F extends Fields> = SharedConfig & ConfigOf<F>;

/**
 * The `--json` key of a metric's closed form: `theory` for the test error (the first contract's key), else
 * theoryVarianceRatio etc.
 */
export type TheoryKey<M extends string> = M extends 'testError' ? 'theory' : `theory${Capitalize<M>}`;

export function theoryKey(metric: string): string {
  return metric === 'testError' ? 'theory' : `theory${capitalize(metric)}`;
}

/** The `--json` key of a metric's named approximate closed form, e.g. theoryLowDimensional (of testError). */
export function formKey(metric: string, form: string): string {
  return `${theoryKey(metric)}${capitalize(form)}`;
}

const capitalize = (s: string): string => `${s[0].toUpperCase()}${s.slice(1)}`;

export interface SimulatorSpec<N extends string, F extends Fields, M extends string, E extends string> {
  /** The simulator's name, also its script's: scripts/<name>.ts. */
  readonly name: N;
  /** For table and figure titles, e.g. 'Linear regression'. */
  readonly title: string;
  /** Defaults of the shared fields: the scheme, and generations (10), trials (1000), seed (0) where they differ. */
  readonly shared: Pick<SharedConfig, 'scheme'> & Partial<SharedConfig>;
  /** The simulator's own options, in the order they are checked and printed. */
  readonly fields: F;
  /** The curves it reports, in table order. */
  readonly metrics: { readonly [K in M]: MetricSpec };
  /** Numbers per generation in one trial's record. */
  readonly width: (c: TheoryConfig<F>) => number;
  /** Simulates trials [start, end); runs on worker threads, looked up there by `name`. */
  readonly trials: TrialRange<TheoryConfig<F>>;
  /** Closed forms per generation (null where none holds); metrics left out have none. */
  readonly closedForms: (c: TheoryConfig<F>) => { readonly [K in M]?: (number | null)[] };
  /** The approximate closed forms each metric's spec names (MetricSpec.forms), per generation. */
  readonly approximations?: (c: TheoryConfig<F>) => { readonly [K in M]?: Readonly<Record<string, (number | null)[]>> };
  /** The estimates from the trials' records. */
  readonly summarise: (r: Records, c: TheoryConfig<F>) => { readonly [K in M]: Estimate };
  /** Further per-generation numbers besides the curves, e.g. fits that did not converge. */
  readonly extras?: { readonly [K in E]: (r: Records, c: TheoryConfig<F>) => number[] };
  /** Lines to print under the table, e.g. a warning. */
  readonly notes?: (r: TheoryResultOf<N, F, M, E>) => string[];
}

export type TheoryResultOf<N extends string, F extends Fields, M extends string, E extends string> = TheoryConfig<F> & {
  readonly experiment: N;
  /** Threads the trials ran on (results do not depend on it). */
  readonly workers: number;
  /** Wall-clock time of the simulation. */
  readonly seconds: number;
} & { readonly [K in M]: Curve } & { readonly [K in E]: number[] };

export type TheoryJsonOf<N extends string, F extends Fields, M extends string, E extends string> = {
  experiment: N;
} & TheoryConfig<F> & {
    [K in M]: number[];
  } & { [K in M as `${K}Se`]?: number[] } & { [K in M as TheoryKey<K>]?: (number | null)[] } & {
    [K in E]: number[];
  } & {
    /** Approximate closed forms (MetricSpec.forms), e.g. theoryLowDimensional. */
    [K: `theory${string}`]: (number | null)[] | undefined;
  };

/** A simulator made by defineSimulator: its fields, metrics, resolve(), simulate() and json(). */
export interface Simulator<
  N extends string = string,
  F extends Fields = Fields,
  M extends string = string,
  E extends string = string,
> {
  readonly name: N;
  readonly title: string;
  /** Every field: the shared ones and the simulator's own, in order. */
  readonly fields: SharedFields & F;
  readonly metrics: { readonly [K in M]: MetricSpec };
  readonly trials: TrialRange<TheoryConfig<F>>;
  /** Checks the options and fills in defaults; throws an OptionError naming a bad one. */
  resolve(options?: OptionsOf<SharedFields & F>): TheoryConfig<F>;
  /** Runs `trials` independent G-generation loops and summarises them per generation. */
  simulate(options?: OptionsOf<SharedFields & F> & TrialRunOptions): Promise<TheoryResultOf<N, F, M, E>>;
  /** The `--json` object: configuration, estimates, standard errors, closed forms, extras. */
  json(r: TheoryResultOf<N, F, M, E>): TheoryJsonOf<N, F, M, E>;
  /**
   * The simulator's own options as `name=value` (vectors, computed defaults and quiet fields only where they
   * differ from the default).
   */
  describe(c: TheoryConfig<F>): string;
  /** Lines to print under the table, e.g. a warning. */
  notes(r: TheoryResultOf<N, F, M, E>): string[];
}

/** Builds a simulator from its spec; see the module comment. */
export function defineSimulator<const N extends string, F extends Fields, M extends string, E extends string = never>(
  spec: SimulatorSpec<N, F, M, E>,
): Simulator<N, F, M, E> {
  const { head, tail } = sharedFields(spec.shared);
  const fields = { ...head, ...spec.fields, ...tail } as unknown as SharedFields & F;
  const metrics = Object.keys(spec.metrics) as M[];
  type Config = TheoryConfig<F>;
  type Result = TheoryResultOf<N, F, M, E>;
  const extras = Object.entries(spec.extras ?? {}) as [E, (r: Records, c: TheoryConfig<F>) => number[]][];
  const resolve = (options: Readonly<Record<string, unknown>> = {}): Config => {
    // A misspelt option would otherwise fall back to its default without a word.
    const unknown = Object.keys(options).find((k) => !Object.hasOwn(fields, k));
    if (unknown)
      throw optionError(
        unknown,
        `is not an option of ${spec.name} (its options: ${Object.keys(fields).join(', ')})`,
        options[unknown],
      );
    return resolveFields(fields, options) as Config;
  };

  return {
    name: spec.name,
    title: spec.title,
    fields,
    metrics: spec.metrics,
    trials: spec.trials,
    resolve,
    async simulate(options = {}) {
      const { workers: given, onProgress, ...rest } = options;
      const c = resolve(rest);
      const workers = given ?? defaultWorkers(c.trials);
      const t0 = performance.now();
      const width = spec.width(c);
      const stride = c.generations * width;
      const data = await runTrials(
        { experiment: spec.name, options: c, trials: c.trials, stride, run: spec.trials },
        { workers, onProgress },
      );
      const records: Records = { data, trials: c.trials, stride, width };
      const estimates = spec.summarise(records, c);
      const closed = spec.closedForms(c);
      const approx: { readonly [K in M]?: Readonly<Record<string, (number | null)[]>> } =
        spec.approximations?.(c) ?? {};
      const none = (): (number | null)[] => perGeneration(c.generations, () => null);
      const curves = Object.fromEntries(
        metrics.map((m) => {
          const e = estimates[m];
          const forms = Object.fromEntries((spec.metrics[m].forms ?? []).map((f) => [f, approx[m]?.[f] ?? none()]));
          const curve: Curve = { sim: e.sim, se: e.se ?? e.sim.map(() => NaN), theory: closed[m] ?? none(), forms };
          return [m, curve];
        }),
      );
      return {
        experiment: spec.name,
        ...c,
        ...curves,
        ...Object.fromEntries(extras.map(([k, f]) => [k, f(records, c)])),
        workers: Math.min(workers, c.trials),
        seconds: (performance.now() - t0) / 1000,
      } as Result;
    },
    json(r) {
      const get = (k: string): unknown => (r as unknown as Record<string, unknown>)[k];
      const out: Record<string, unknown> = { experiment: spec.name };
      for (const k of Object.keys(fields)) out[k] = get(k);
      const curve = (m: M): Curve => get(m) as Curve;
      for (const m of metrics) out[m] = curve(m).sim;
      for (const m of metrics) if (spec.metrics[m].se !== false) out[`${m}Se`] = curve(m).se;
      for (const m of metrics) if (spec.metrics[m].closedForm) out[theoryKey(m)] = curve(m).theory;
      for (const m of metrics) for (const f of spec.metrics[m].forms ?? []) out[formKey(m, f)] = curve(m).forms[f];
      for (const [k] of extras) out[k] = get(k);
      return out as TheoryJsonOf<N, F, M, E>;
    },
    describe(c) {
      const config = c as unknown as Record<string, unknown>;
      // Vectors, computed defaults and quiet fields are shown only where they differ from their default.
      const atDefault = (k: string, f: Field<unknown>): boolean => {
        const d =
          typeof f.default === 'function' ? (f.default as (b: Record<string, unknown>) => unknown)(config) : f.default;
        return Array.isArray(d) ? sameVector(config[k] as number[], d as number[]) : config[k] === d;
      };
      return Object.entries(spec.fields)
        .filter(
          ([k, f]) => !((f.kind === 'vector' || typeof f.default === 'function' || f.quietDefault) && atDefault(k, f)),
        )
        .map(([k, f]) => `${k}=${f.kind === 'vector' ? `[${(config[k] as number[]).join(',')}]` : String(config[k])}`)
        .join(' ');
    },
    notes: (r) => spec.notes?.(r) ?? [],
  };
}

function sameVector(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
