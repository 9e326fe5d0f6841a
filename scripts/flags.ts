/**
 * How every collapse-lab CLI takes its flags, on top of yargs:
 *
 * - Usage line `Usage: npx tsx scripts/<name>.ts [flags]`, then what the script does.
 * - Help strings end in `(default: X)` with the value the script itself uses (`withDefault`).
 * - Several values of one flag are ONE comma list: `--scheme replace,accumulate` (`listOption`).
 *   A list is one shell word, so it survives grid files, sweep task lists, resume commands and
 *   shell variables unquoted, and it cannot be mistaken for a positional argument. A space-separated
 *   list (`--scheme replace accumulate`) and a repeated flag (`--scheme replace --scheme accumulate`)
 *   are refused with a sentence that shows the comma form: silently keeping only one value would
 *   lose a scheme from a long run.
 * - Every flag may be given once; a second one is an error, not a silent override.
 * - An unknown flag is named once, as typed, with the closest known flag:
 *   "Unknown flag --train-sze; did you mean --train-size?".
 * - Bad input ends with one line `Error: <sentence>` on stderr and exit code 1 (`exitWithError`).
 *
 * To adopt it, a CLI builds its yargs parser as usual (`.option(...)`), uses `usage`, `withDefault`
 * and `listOption`, and parses with `parseFlags(parser, args)` instead of `.parse()`.
 */
import { OptionError } from '../lib/index.ts';
import { usageLine } from './invocation.ts';
import { closest, distance } from 'fastest-levenshtein';
import type { Argv, Options } from 'yargs';

/** Bad command-line input, as one sentence naming the flag and the value as given. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** `Usage: npx tsx scripts/<name>.ts [flags]` (or `npx collapse-lab <name> [flags]`), a blank line, then what the script does. */
export function usage(name: string, summary: string): string {
  return `${usageLine(name)}\n\n${summary}`;
}

/** A help string ending in the default the script really uses: "rows per generation (default: 100)". */
export function withDefault(describe: string, value: unknown): string {
  const shown = Array.isArray(value) ? value.join(',') : String(value);
  return `${describe} (default: ${shown})`;
}

/** `a, b or c` */
function either(choices: readonly string[]): string {
  return choices.length === 1 ? choices[0] : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/**
 * Splits one comma list (`replace,accumulate` -> ['replace', 'accumulate']), checking each item
 * against `choices` (when given) and refusing empty items and repeats. `flag` names it in errors.
 */
export function parseList(flag: string, text: string, choices?: readonly string[]): string[] {
  const problem = listProblem(flag, text, choices);
  if (problem) throw new FlagError(problem);
  return text.split(',').map((s) => s.trim());
}

/** Within a small edit distance: a typo, not another word. */
const near = (typed: string, known: string): boolean => distance(typed, known) <= Math.max(1, Math.floor(typed.length / 3));

/** "--design 'frsh' is not one of fixed or fresh; did you mean fresh?" or null when `value` is a choice. */
function choiceProblem(flag: string, value: string, choices: readonly string[]): string | null {
  if (choices.includes(value)) return null;
  const best = closest(value, [...choices]);
  return `--${flag} '${value}' is not one of ${either(choices)}${near(value, best) ? `; did you mean ${best}?` : '.'}`;
}

/** What is wrong with a comma list, or null. */
function listProblem(flag: string, text: string, choices?: readonly string[]): string | null {
  const items = text.split(',').map((s) => s.trim());
  const example = choices && choices.length > 1 ? ` (e.g. --${flag} ${choices.slice(0, 2).join(',')})` : '';
  if (items.some((s) => s === '')) return `--${flag} '${text}' has an empty item; expected a comma list without empty entries${example}.`;
  for (const item of items) {
    const problem = choices && choiceProblem(flag, item, choices);
    if (problem) return problem;
  }
  const twice = items.find((s, i) => items.indexOf(s) !== i);
  return twice ? `--${flag} lists '${twice}' twice; expected each value once.` : null;
}

/**
 * A list flag: one comma list, checked item by item. The parsed value is a string[]; `default`
 * is shown in the help only (pass it to your own code when the flag is absent).
 */
export function listOption(flag: string, o: { describe: string; choices?: readonly string[]; default?: readonly string[] }) {
  // yargs lists the choices itself ([choices: ...]).
  const describe = `${o.describe}: one or a comma list`;
  return {
    type: 'string',
    // nargs 1 is how checkArgs tells a list flag from a plain string flag (yargs keeps it in getOptions().narg).
    nargs: 1,
    ...(o.choices ? { choices: o.choices } : {}),
    describe: o.default ? withDefault(describe, o.default) : describe,
    coerce: (v: string | string[]): string[] => parseList(flag, Array.isArray(v) ? v.join(',') : v, o.choices),
  } as const satisfies Options;
}

/** Splits a comma list of numbers (`1,2,0.5`); `flag` names it in errors. */
export function parseNumberList(flag: string, text: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  const bad = items.find((s) => s === '' || !Number.isFinite(Number(s)));
  if (bad !== undefined) throw new FlagError(`--${flag} '${text}' has ${bad === '' ? 'an empty item' : `'${bad}'`}, not a number; expected numbers separated by commas, e.g. --${flag} 1,2,0.5.`);
  return items.map(Number);
}

/** A list-of-numbers flag (`--covariance 1,2,0.5`); the parsed value is a number[]. */
export function numberListOption(flag: string, o: { describe: string; default?: string }) {
  const describe = `${o.describe}, a comma list`;
  return {
    type: 'string',
    nargs: 1,
    describe: o.default ? withDefault(describe, o.default) : describe,
    coerce: (v: string | string[]): number[] => parseNumberList(flag, Array.isArray(v) ? v.join(',') : v),
  } as const satisfies Options;
}

/** The flags a parser declares, from yargs' `getOptions()`. */
export interface Known {
  /** Canonical name by every accepted spelling (the name and its declared aliases). */
  names: Map<string, string>;
  booleans: Set<string>;
  numbers: Set<string>;
  /** Flags that take a comma list (see listOption). */
  lists: Set<string>;
  choices: Map<string, readonly string[]>;
}

/** What yargs' getOptions() returns (public in yargs, missing from @types/yargs). */
interface YargsOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  number: string[];
  narg: Record<string, number>;
  choices: Record<string, readonly string[]>;
}

export function knownFlags(parser: Argv<unknown>): Known {
  const o = (parser as unknown as { getOptions(): YargsOptions }).getOptions();
  const names = new Map<string, string>();
  for (const k of Object.keys(o.key)) names.set(k, k);
  for (const [k, aliases] of Object.entries(o.alias)) for (const a of aliases) names.set(a, names.get(k) ?? k);
  const lists = new Set(Object.keys(o.narg).filter((k) => o.narg[k] === 1));
  return { names, booleans: new Set(o.boolean), numbers: new Set(o.number), lists, choices: new Map(Object.entries(o.choices)) };
}

/** The flag of a camelCase option name: maxIterations -> max-iterations (a lone capital stays: T -> T). */
export const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a}-${b.toLowerCase()}`);

/** The known flag nearest to `typed` (within a small edit distance, or one it starts), if any. */
export function suggestFlag(typed: string, flags: readonly string[]): string | undefined {
  const t = kebab(typed);
  const exact = flags.find((f) => f.toLowerCase() === t.toLowerCase());
  if (exact) return exact;
  // One-letter flags (--d, --T) only for an exact match: any short typo is near them.
  const candidates = flags.filter((f) => f.length > 1);
  if (candidates.length === 0) return undefined;
  const best = closest(t, candidates);
  if (near(t, best)) return best;
  const prefixed = candidates.filter((f) => f.startsWith(t));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

const dashes = (name: string): string => `--${name}`;

/**
 * The first problem with `args` for a parser with these flags, as one sentence, or null: an unknown
 * flag, a flag given twice, a flag without its value, a number flag whose value is not a number,
 * or a word that belongs to no flag (this convention has no positional arguments).
 */
export function checkArgs(args: readonly string[], known: Known): string | null {
  const seen = new Map<string, string>();
  const canonical = [...new Set(known.names.values())];
  let previous: { flag: string; value: string } | null = null;
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    const isNumber = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(token);
    if (token === '--' || !token.startsWith('-') || token === '-' || isNumber) {
      const word = token === '--' ? args[i + 1] : token;
      if (word === undefined) return null;
      const hint = previous && known.lists.has(previous.flag) ? `; several values go in one comma list: --${previous.flag} ${previous.value},${word}` : '; this script takes flags only (see --help)';
      return `Unexpected argument '${word}'${hint}.`;
    }
    const long = token.startsWith('--');
    const body = token.slice(long ? 2 : 1);
    const eq = body.indexOf('=');
    const typed = eq >= 0 ? body.slice(0, eq) : body;
    let name = known.names.get(typed);
    let negated = false;
    if (name === undefined && typed.startsWith('no-') && known.booleans.has(known.names.get(typed.slice(3)) ?? '')) {
      name = known.names.get(typed.slice(3));
      negated = true;
    }
    if (name === undefined) {
      // --no-jsn: a misspelt negation of a boolean flag.
      const negation = typed.startsWith('no-') ? suggestFlag(typed.slice(3), [...known.booleans]) : undefined;
      const near = negation ? `no-${negation}` : suggestFlag(typed, canonical);
      return `Unknown flag ${long ? '--' : '-'}${typed}; ${near ? `did you mean ${dashes(near)}?` : 'run with --help for the flags.'}`;
    }
    let value = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (known.booleans.has(name)) {
      if (value === undefined && !negated && (args[i + 1] === 'true' || args[i + 1] === 'false')) value = args[++i];
    } else if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) return `${dashes(typed)} needs a value.`;
      i++;
    }
    if (seen.has(name)) {
      const list = known.lists.has(name) ? `; several values go in one comma list: --${name} ${seen.get(name)},${value ?? ''}` : '; give each flag once';
      return `${dashes(typed)} is given twice${list}.`;
    }
    seen.set(name, value ?? '');
    if (value !== undefined && known.numbers.has(name) && !(value.trim() !== '' && Number.isFinite(Number(value)))) {
      return `${dashes(typed)} '${value}' is not a number.`;
    }
    const choices = known.choices.get(name);
    if (value !== undefined && known.lists.has(name)) {
      const problem = listProblem(name, value, choices);
      if (problem) return problem;
    } else if (value !== undefined && choices) {
      const problem = choiceProblem(name, value, choices);
      if (problem) return problem;
    }
    previous = { flag: name, value: value ?? '' };
  }
  return null;
}

/**
 * Parses `args` with `parser` under this module's convention: throws a FlagError (one sentence)
 * on an unknown, repeated or malformed flag, a stray word, or a value a flag's own check refuses;
 * `--help` and `--version` print and exit as yargs does.
 */
export async function parseFlags<T>(parser: Argv<T>, args: readonly string[]): Promise<T> {
  const problem = checkArgs(args, knownFlags(parser as Argv<unknown>));
  if (problem) throw new FlagError(problem);
  return parser
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .fail((msg, err) => {
      throw err instanceof FlagError ? err : new FlagError(oneLine(msg ?? err?.message ?? 'Bad flags.'));
    })
    .parseAsync([...args]) as Promise<T>;
}

/**
 * The message of an error from the library, with every option it names turned into the flag that
 * sets it: the library's OptionError "maxIterations must be an integer >= 1; got 0." becomes
 * "--max-iterations must be an integer >= 1; got 0." when `flags` has `max-iterations`. An option
 * no flag sets keeps its API name.
 */
export function flagMessage(err: unknown, flags: readonly string[]): string {
  if (err instanceof OptionError) {
    return oneLine(
      err.render((option, value) => {
        const flag = flags.find((f) => f === option || f === kebab(option));
        const name = flag ? dashes(flag) : option;
        return value === undefined ? name : `${name} ${value}`;
      }),
    );
  }
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** The flags a parser declares (for flagMessage). */
export function flagNames(parser: Argv<unknown>): string[] {
  return [...new Set(knownFlags(parser).names.values())];
}

/** One line, always: yargs spreads some messages over several. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

/** Prints `Error: <message>` on stderr and exits with code 1. */
export function exitWithError(message: string): never {
  process.stderr.write(`Error: ${oneLine(message)}\n`);
  process.exit(1);
}
