/**
 * How an experiment's settings are declared: each stated once, as a Setting (its kind, default,
 * check, help, whether run.json records it, how the report names it), in the manner of
 * lib/theory/fields.ts. From a table of these come the options' defaults and checks, run.json's
 * configuration, the plain JSON a worker process receives, the CLI flags with their help (and so
 * the --config file's keys) and the report's configuration table. Adding a setting is one entry.
 *
 * This module and the tables built with it load no tfjs, so a CLI's --help stays fast.
 */
import {
  checkBoolean,
  checkInteger,
  checkPath,
  checkPositive,
  invalidNumber,
  invalidOption,
  opt,
  OptionError,
  say,
} from './options.ts';

/** One setting, declared once: its kind, help, default, check, flag, and whether run.json and the report show it. */
export interface Setting<V> {
  readonly kind: 'integer' | 'number' | 'boolean' | 'choice' | 'integers' | 'text';
  /** One phrase for --help and the docs, e.g. 'epochs per generation'. */
  readonly help: string;
  /** The default; absent: the setting is optional or follows from others (say how in defaultHelp). */
  readonly default?: V;
  /** How --help shows a default that is not a plain value, e.g. 'the training size'. */
  readonly defaultHelp?: string;
  /** The allowed values of a 'choice'. */
  readonly choices?: readonly string[];
  /** Numeric bounds, checked by the library and by the CLI as the number is typed. */
  readonly min?: number;
  readonly max?: number;
  /** Numbers: strictly above this. */
  readonly above?: number;
  /** A setting without a default that must be given: what it is, e.g. 'the CelebA folder'. */
  readonly required?: string;
  /** The CLI flag when it is not the kebab-case name (learningRate -> lr); false: no flag. */
  readonly flag?: string | false;
  /** Recorded in run.json's configuration, so a resume must match it. */
  readonly config?: boolean;
  /** The row of the report's configuration table that shows it. */
  readonly report?: string;
  /** Returns the checked value or throws an OptionError naming `name`. */
  readonly check: (name: string, value: unknown) => V;
}

// A table mixes settings of every value type.
/** A table of settings by name (RUN_SETTINGS, a family's own). */
export type Settings = Readonly<Record<string, Setting<any>>>;

/** The checked value of every setting (optional ones may stay undefined). */
export type ValuesOf<S extends Settings> = {
  -readonly [K in keyof S]: S[K] extends Setting<infer V>
    ? S[K] extends { default: unknown } | { required: string }
      ? V
      : V | undefined
    : never;
};

/** What a caller may give: every setting optional. */
export type GivenOf<S extends Settings> = { [K in keyof S]?: S[K] extends Setting<infer V> ? V : never };

type Common<V> = Omit<Setting<V>, 'kind' | 'check' | 'choices'>;

/** An integer >= `min` (<= `max` when given). */
export function integer<const O extends Common<number> & { min: number }>(o: O): O & Setting<number> {
  return {
    ...o,
    kind: 'integer',
    check: (name, v) => {
      checkInteger(name, v, o.min);
      if (o.max !== undefined && (v as number) > o.max) throw invalidNumber(name, v, `an integer of at most ${o.max}`);
      return v as number;
    },
  };
}

/** A finite number above 0. */
export function positive<const O extends Common<number>>(o: O): O & Setting<number> {
  return { ...o, kind: 'number', above: 0, check: (name, v) => checkPositive(name, v) };
}

/** true or false. */
export function flag<const O extends Common<boolean>>(o: O): O & Setting<boolean> {
  return { ...o, kind: 'boolean', check: (name, v) => checkBoolean(name, v) };
}

/** One of a closed set of strings. */
export function choice<const C extends string, const O extends Common<C>>(choices: readonly C[], o: O): O & Setting<C> {
  return {
    ...o,
    kind: 'choice',
    choices,
    check: (name, v) => {
      if (!(choices as readonly unknown[]).includes(v)) throw invalidOption(name, v, `one of ${choices.join(', ')}`);
      return v as C;
    },
  };
}

/** A non-empty list of positive integers (e.g. hidden layer sizes). */
export function integers<const O extends Common<number[]>>(o: O): O & Setting<number[]> {
  return {
    ...o,
    kind: 'integers',
    check: (name, v) => {
      const ok = Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x > 0);
      if (!ok) throw invalidOption(name, v, 'a non-empty list of positive integers');
      return [...(v as number[])];
    },
  };
}

/** A non-empty string (a path). */
export function text<const O extends Common<string>>(o: O): O & Setting<string> {
  return { ...o, kind: 'text', check: (name, v) => checkPath(name, v)! };
}

/** The defaults of a table (settings without one are left out). */
export function defaultsOf<S extends Settings>(settings: S): Partial<ValuesOf<S>> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings)) if (s.default !== undefined) out[name] = s.default;
  return out as Partial<ValuesOf<S>>;
}

/** Checks every setting in table order, filling in defaults; an optional setting left out stays undefined. */
export function resolveSettings<S extends Settings>(
  settings: S,
  given: Readonly<Record<string, unknown>>,
): ValuesOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings)) {
    const value = given[name] ?? s.default;
    if (value !== undefined) out[name] = s.check(name, value);
    else if (s.required) throw new OptionError(name, value, say`${opt(name)} is required; expected ${s.required}.`);
  }
  return out as ValuesOf<S>;
}

/** The values run.json records (settings marked `config`), in table order. */
export function configOf<S extends Settings>(
  settings: S,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings))
    if (s.config && values[name] !== undefined) out[name] = values[name];
  return out;
}

/** The names of the settings run.json records. */
export function configKeys(settings: Settings): string[] {
  return Object.keys(settings).filter((k) => settings[k].config);
}

/** The plain-data part of `values` that a table declares (what a worker process receives). */
export function pickSettings<S extends Settings>(settings: S, values: Readonly<Record<string, unknown>>): GivenOf<S> {
  return Object.fromEntries(
    Object.keys(settings)
      .filter((k) => values[k] !== undefined)
      .map((k) => [k, values[k]]),
  ) as GivenOf<S>;
}

/** The report's configuration rows of a table: [config key, row name], in table order. */
export function reportRows(settings: Settings): [key: string, name: string][] {
  return Object.entries(settings).flatMap(([name, s]) =>
    s.config && s.report ? [[name, s.report] as [string, string]] : [],
  );
}

/** The flag of a setting: its own, or its name in kebab-case (learningRate -> learning-rate); undefined: none. */
export function flagOf(name: string, s: Setting<unknown>): string | undefined {
  if (s.flag === false) return undefined;
  return s.flag ?? name.replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a}-${b.toLowerCase()}`);
}
