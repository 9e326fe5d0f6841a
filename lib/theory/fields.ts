/**
 * The options of a theory simulator, each stated once: its kind, default, check and a one-phrase
 * help. A simulator's options type, resolved config, `--json` keys and CLI flags are all derived
 * from one table of these (see simulator.ts).
 */
import { OptionError, opt, say } from '../options.ts';

export { OptionError };

/**
 * A bad simulator option: "<option> <problem>; got <value>." (the library's one OptionError, so CLIs name it as
 * their flag).
 */
export function optionError(option: string, problem: string, value: unknown): OptionError {
  return new OptionError(option, value, say`${opt(option)} ${problem}; got ${printed(value)}.`);
}

/** `'a' or 'b'`, or `one of 'a', 'b', 'c'`. */
export function oneOf(choices: readonly string[]): string {
  const q = choices.map((c) => `'${c}'`);
  return q.length === 2 ? `${q[0]} or ${q[1]}` : `one of ${q.join(', ')}`;
}

/** The value as an error message shows it. */
export function printed(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

/** The fields resolved so far (those listed before this one), for checks that depend on them. */
export type Resolved = Readonly<Record<string, unknown>>;

/** One option of a simulator, stated once: its kind, default, check and help. */
export interface Field<V> {
  readonly kind: 'integer' | 'number' | 'choice' | 'vector';
  /** One phrase for --help and the docs, e.g. 'rows per generation'. */
  readonly help: string;
  /** The default, or how it follows from the fields before (e.g. a vector of length d). */
  readonly default: V | ((before: Resolved) => V);
  /** How --help shows a computed default, e.g. 'the identity'. */
  readonly defaultHelp?: string;
  /** The allowed values of a 'choice' field. */
  readonly choices?: readonly string[];
  /** describe() leaves the field out while it has its default (the default is the usual setting). */
  readonly quietDefault?: boolean;
  /** Returns the checked value or throws an OptionError naming `name`. */
  readonly check: (name: string, value: unknown, before: Resolved) => V;
}

/** A further condition, given the fields before: the problem as "must be ..." or undefined when fine. */
type Condition<V> = (value: V, before: Resolved) => string | undefined;

function fail(name: string, problem: string, value: unknown): never {
  throw optionError(name, problem, value);
}

/** A default: a value, or how it follows from the fields before (then with its --help text). */
type DefaultOf<V> = { default: V; defaultHelp?: string } | { default: (before: Resolved) => V; defaultHelp: string };

/** An integer >= `min`. */
export function integer(
  o: DefaultOf<number> & { min: number; help: string; also?: Condition<number>; quietDefault?: boolean },
): Field<number> {
  return {
    kind: 'integer',
    help: o.help,
    default: o.default,
    defaultHelp: o.defaultHelp,
    quietDefault: o.quietDefault,
    check: (name, v, before) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < o.min) fail(name, `must be an integer >= ${o.min}`, v);
      const problem = o.also?.(v, before);
      if (problem) fail(name, problem, v);
      return v;
    },
  };
}

/** A finite number >= `min` (> `min` when `strict`). */
export function real(
  o: DefaultOf<number> & {
    min: number;
    strict?: boolean;
    help: string;
    also?: Condition<number>;
    quietDefault?: boolean;
  },
): Field<number> {
  return {
    kind: 'number',
    help: o.help,
    default: o.default,
    defaultHelp: o.defaultHelp,
    quietDefault: o.quietDefault,
    check: (name, v, before) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < o.min || (o.strict && v === o.min)) {
        fail(name, `must be a finite number ${o.strict ? '>' : '>='} ${o.min}`, v);
      }
      const problem = o.also?.(v, before);
      if (problem) fail(name, problem, v);
      return v;
    },
  };
}

/** One of a closed set of strings. */
export function choice<const C extends string>(o: {
  choices: readonly C[];
  default: NoInfer<C>;
  help: string;
  quietDefault?: boolean;
}): Field<C> {
  return {
    kind: 'choice',
    help: o.help,
    default: o.default,
    quietDefault: o.quietDefault,
    choices: o.choices,
    check: (name, v) => {
      if (!(o.choices as readonly unknown[]).includes(v)) fail(name, `must be ${oneOf(o.choices)}`, v);
      return v as C;
    },
  };
}

/** A vector of `length(before)` finite numbers (positive ones with `positive`), copied. */
export function vector(o: {
  length: (before: Resolved) => number;
  default: (before: Resolved) => number[];
  defaultHelp: string;
  positive?: boolean;
  /** What the numbers are, for the error, e.g. 'the diagonal of Σ'. */
  what?: string;
  help: string;
}): Field<number[]> {
  return {
    kind: 'vector',
    help: o.help,
    default: o.default,
    defaultHelp: o.defaultHelp,
    check: (name, v, before) => {
      const n = o.length(before);
      const ok =
        Array.isArray(v) &&
        v.length === n &&
        v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!o.positive || x > 0));
      if (!ok)
        fail(name, `must be ${n} ${o.positive ? 'positive' : 'finite'} numbers${o.what ? ` (${o.what})` : ''}`, v);
      return [...(v as number[])];
    },
  };
}

export type Fields = Readonly<Record<string, Field<unknown>>>;

/** The resolved value of every field. */
export type ConfigOf<F extends Fields> = { -readonly [K in keyof F]: F[K] extends Field<infer V> ? V : never };

/** What a caller may pass: every field optional (vectors as read-only arrays). */
export type OptionsOf<F extends Fields> = {
  [K in keyof F]?: F[K] extends Field<infer V> ? (V extends number[] ? readonly number[] : V) : never;
};

/** Checks every field in order, filling in defaults for the absent (undefined) ones. */
export function resolveFields<F extends Fields>(fields: F, given: Readonly<Record<string, unknown>>): ConfigOf<F> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const v = given[name];
    const value =
      v === undefined
        ? typeof field.default === 'function'
          ? (field.default as (b: Resolved) => unknown)(out)
          : field.default
        : v;
    out[name] = field.check(name, value, out);
  }
  return out as ConfigOf<F>;
}
