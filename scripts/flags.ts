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
 * - Every flag may be given once; a second one is an error, not a silent override (for every flag,
 *   numbers included: yargs-parser adds repeated number flags up, yargs-parser#506). Settings that
 *   should be overridable go in a `--config` file, which the command line overrides flag by flag.
 * - Numbers are parsed from the text as typed (`intOption`, `numberOption`, flag-numbers.ts).
 * - An unknown flag is named once, as typed, with the closest known flag:
 *   "Unknown flag --train-sze; did you mean --train-size?".
 * - Bad input ends with one line `Error: <sentence>` on stderr and exit code 1 (`exitWithError`).
 *
 * To adopt it, a CLI builds its yargs parser as usual (`.option(...)`), uses `usage`, `withDefault`,
 * `intOption`, `numberOption`, `listOption` and `configOption`, and parses with
 * `parseFlags(parser, args)` instead of `.parse()`.
 */
import { collapseLabVersion, OptionError } from '../lib/declaration.ts';
import type { OptionNamer } from '../lib/index.ts';
import { usageLine } from './invocation.ts';
import type { Argv, Options } from 'yargs';
import { readConfigFile } from './config-file.ts';
import { dashes, FlagError, kebab, listProblem, suggestFlag, valueProblem } from './flag-words.ts';

export { FlagError, kebab, suggestFlag, valueProblem } from './flag-words.ts';
import type { ConfigFile } from './config-file.ts';
import { expectedNumber, parseNumber, typed } from './flag-numbers.ts';
import type { NumberSpec } from './flag-numbers.ts';

/** `Usage: npx tsx scripts/<name>.ts [operands] [flags]` (or `npx collapse-lab <name> ...`), a blank line, then what the script does. */
export function usage(name: string, summary: string, operands?: string): string {
  return `${usageLine(name, operands ? `${operands} [flags]` : '[flags]')}\n\n${summary}`;
}

/** A help string ending in the default the script really uses: "rows per generation (default: 100)". */
export function withDefault(describe: string, value: unknown): string {
  const shown = Array.isArray(value) ? value.join(',') : String(value);
  return `${describe} (default: ${shown})`;
}

/**
 * Splits one comma list (`replace,accumulate` -> ['replace', 'accumulate']), checking each item
 * against `choices` (when given) and refusing empty items and repeats. `flag` names it in errors.
 */
export function parseList(flag: string, text: string, choices?: readonly string[]): string[] {
  const problem = listProblem(flag, text, choices);
  if (problem) throw new FlagError(problem, flag);
  return text.split(',').map((s) => s.trim());
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
    // nargs 1 is how knownFlags tells a list flag from a plain string flag (yargs keeps it in getOptions().narg).
    nargs: 1,
    ...(o.choices ? { choices: o.choices } : {}),
    describe: o.default ? withDefault(describe, o.default) : describe,
    coerce: (v: string | string[]): string[] => parseList(flag, Array.isArray(v) ? v.join(',') : v, o.choices),
  } as const satisfies Options;
}

/** Splits a comma list of numbers (`1,2,0.5`), each a plain decimal as `spec` says; `flag` names it in errors. */
export function parseNumberList(flag: string, text: string, spec: NumberSpec = {}, example = '1,2,0.5'): number[] {
  const items = text.split(',').map((s) => s.trim());
  const expected = `${spec.integer ? expectedNumber(spec).replace(/^an integer/, 'integers').replace(/^a positive integer/, 'positive integers') : 'numbers'} separated by commas, e.g. --${flag} ${example}`;
  const values = items.map((item) => (item === '' ? { problem: 'empty' } : parseNumber(flag, item, spec)));
  if (values.some((v) => typeof v !== 'number')) throw new FlagError(`--${flag} '${text}' is not valid; expected ${expected}.`, flag);
  return values as number[];
}

/** A list-of-numbers flag (`--covariance 1,2,0.5`, `--hidden 512,256`); the parsed value is a number[]. */
export function numberListOption(flag: string, o: { describe: string; default?: string; spec?: NumberSpec; example?: string }) {
  const describe = `${o.describe}, a comma list`;
  return {
    nargs: 1,
    describe: o.default ? withDefault(describe, o.default) : describe,
    coerce: (v: string | string[]): number[] => parseNumberList(flag, Array.isArray(v) ? v.join(',') : String(v), o.spec, o.example),
  } as const satisfies Options;
}

/**
 * A number flag read from the text as typed (see flag-numbers.ts): the parsed value is a number
 * within `spec`'s range. No yargs type: yargs would coerce the text itself.
 */
export function numberOption(flag: string, o: { describe: string; default?: unknown } & NumberSpec) {
  const { describe, default: shown, ...spec } = o;
  return {
    describe: shown === undefined ? describe : withDefault(describe, shown),
    coerce: (v: string): number => {
      // Never an array: parseFlags refuses a repeated flag.
      const value = parseNumber(flag, String(v), spec);
      if (typeof value !== 'number') throw new FlagError(value.problem, flag);
      return value;
    },
  } as const satisfies Options;
}

/** An integer flag (digits only), at least `min` and at most `max` when given. */
export function intOption(flag: string, o: { describe: string; default?: unknown; min?: number; max?: number }) {
  return numberOption(flag, { ...o, integer: true });
}

/**
 * A flag that may be given several times, each time one value (e.g. an sbatch option, which may
 * itself hold commas, so it cannot be one item of a comma list). The parsed value is a string[].
 * The one exception to "every flag once": say so in its help, as this does.
 */
export function repeatableOption(o: { describe: string }) {
  return { type: 'string', array: true, describe: `${o.describe} (repeatable: one value each time)` } as const satisfies Options;
}

/** --config: flags from a JSON or YAML file; the command line wins flag by flag (parseFlags reads it). */
export function configOption() {
  return { type: 'string', describe: 'read flags from this .json, .yaml or .yml file, keyed by flag name without dashes (true: --flag, false: --no-flag); flags on the command line win' } as const satisfies Options;
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
  /** Flags that must be given, with what they are (yargs' demandOption text). */
  required: Map<string, string>;
  /** Flags that may be given several times, each adding one value (see repeatableOption). */
  repeatable: Set<string>;
  /** Flags whose value may be left out (OPTIONAL_VALUE_FLAGS): then it is ''. */
  optional: Set<string>;
}

/** String flags that may be given without a value (`--tensorboard` or `--tensorboard DIR`): the bare flag reads as ''. */
export const OPTIONAL_VALUE_FLAGS: ReadonlySet<string> = new Set(['tensorboard']);

/** What yargs' getOptions() returns (public in yargs, missing from @types/yargs). */
interface YargsOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  number: string[];
  narg: Record<string, number>;
  choices: Record<string, readonly string[]>;
  demandedOptions: Record<string, string | undefined>;
  array: string[];
}

export function knownFlags(parser: Argv<unknown>): Known {
  const o = (parser as unknown as { getOptions(): YargsOptions }).getOptions();
  const names = new Map<string, string>();
  for (const k of Object.keys(o.key)) names.set(k, k);
  for (const [k, aliases] of Object.entries(o.alias)) for (const a of aliases) names.set(a, names.get(k) ?? k);
  const lists = new Set(Object.keys(o.narg).filter((k) => o.narg[k] === 1));
  const required = new Map(Object.entries(o.demandedOptions ?? {}).map(([k, v]) => [k, v ?? '']));
  return { names, booleans: new Set(o.boolean), numbers: new Set(o.number), lists, choices: new Map(Object.entries(o.choices)), required, repeatable: new Set(o.array), optional: new Set(Object.keys(o.key).filter((k) => OPTIONAL_VALUE_FLAGS.has(k))) };
}

/** One flag as given: its canonical name, how it was typed, its value (booleans: none), --no- or not. */
export interface FlagToken {
  name: string;
  typed: string;
  value?: string;
  negated: boolean;
}

/** What tokenize finds in a command line: its flags in order, and its operands (words that are no flag's value). */
export interface Tokens {
  flags: FlagToken[];
  operands: string[];
}

/**
 * Splits `args` into flags and operands under this convention, or returns the first problem as one
 * sentence: an unknown flag, a flag given twice, a flag without its value, a boolean given a word
 * other than true/false, a value a choice or list flag refuses, or (when `operands` is false) a
 * word that belongs to no flag.
 */
export function tokenize(args: readonly string[], known: Known, operands = false): Tokens | { problem: string } {
  const seen = new Map<string, FlagToken>();
  const canonical = [...new Set(known.names.values())];
  const out: Tokens = { flags: [], operands: [] };
  let previous: FlagToken | null = null;
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    const isNumber = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(token);
    if (token === '--' || !token.startsWith('-') || token === '-' || isNumber) {
      const word = token === '--' ? args[i + 1] : token;
      if (word === undefined) break;
      if (operands) {
        out.operands.push(word);
        if (token === '--') i++;
        continue;
      }
      const hint = previous && known.lists.has(previous.name) ? `; several values go in one comma list: --${previous.name} ${previous.value},${word}` : '; this script takes flags only (see --help)';
      return { problem: `Unexpected argument '${word}'${hint}.` };
    }
    const long = token.startsWith('--');
    const body = token.slice(long ? 2 : 1);
    const eq = body.indexOf('=');
    const typedName = eq >= 0 ? body.slice(0, eq) : body;
    let name = known.names.get(typedName);
    let negated = false;
    if (name === undefined && typedName.startsWith('no-') && known.booleans.has(known.names.get(typedName.slice(3)) ?? '')) {
      name = known.names.get(typedName.slice(3));
      negated = true;
    }
    if (name === undefined) {
      // --no-jsn: a misspelt negation of a boolean flag.
      const negation = typedName.startsWith('no-') ? suggestFlag(typedName.slice(3), [...known.booleans]) : undefined;
      const suggestion = negation ? `no-${negation}` : suggestFlag(typedName, canonical);
      return { problem: `Unknown flag ${long ? '--' : '-'}${typedName}; ${suggestion ? `did you mean ${dashes(suggestion)}?` : 'run with --help for the flags.'}` };
    }
    let value = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (known.booleans.has(name)) {
      if (value === undefined && !negated && (args[i + 1] === 'true' || args[i + 1] === 'false')) value = args[++i];
      if (value !== undefined && (negated || (value !== 'true' && value !== 'false'))) {
        return { problem: `${dashes(typedName)} ${typed(value)} is not valid; expected --${name} or --no-${name}${negated ? '' : ' (or true / false)'}.` };
      }
      if (value === 'false') negated = true;
      value = undefined;
    } else if (value === undefined && known.optional.has(name) && (args[i + 1] === undefined || /^-./.test(args[i + 1]))) {
      value = '';
    } else if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) {
        const after = known.repeatable.has(name) && value !== undefined ? ` (a value that starts with -- goes after an =: ${dashes(typedName)}=${value})` : '';
        return { problem: `${dashes(typedName)} needs a value${after}.` };
      }
      i++;
    }
    const flag: FlagToken = { name, typed: typedName, value, negated };
    const before = seen.get(name);
    if (before && !known.repeatable.has(name)) {
      const list = known.lists.has(name) ? `; several values go in one comma list: --${name} ${before.value},${value ?? ''}` : '; give each flag once';
      const also = before.typed !== typedName ? ` (also as ${dashes(before.typed)})` : '';
      return { problem: `${dashes(typedName)} is given twice${also}${list}.` };
    }
    seen.set(name, flag);
    const problem = valueProblem(flag, known);
    if (problem) return { problem };
    out.flags.push(flag);
    previous = flag;
  }
  return out;
}

/**
 * The first problem with `args` for a parser with these flags, as one sentence, or null (see
 * tokenize; this convention has no positional arguments unless a script asks for operands).
 */
export function checkArgs(args: readonly string[], known: Known): string | null {
  const t = tokenize(args, known);
  return 'problem' in t ? t.problem : null;
}

/** The arguments yargs sees: every flag as one `--name=value` word, so that no value can be read as a flag. */
function yargsArgs(flags: readonly FlagToken[], known: Known): string[] {
  // Repeatable flags are collected by parseFlags itself (yargs keeps only the last of a repeat).
  return flags.filter((f) => !known.repeatable.has(f.name)).map(word);
}

function word(f: FlagToken): string {
  return f.value === undefined ? `--${f.negated ? 'no-' : ''}${f.name}` : `--${f.name}=${f.value}`;
}

/** Where parsed flags came from: the --config file, when one was read, and its flags. */
const SOURCE = Symbol('collapse-lab flag source');

export interface ParseOptions {
  /** The script takes words that are no flag's value (e.g. run directories): they arrive as string[] under this key. */
  operands?: { name: string; min?: number; max?: number; describe: string };
}

let pipeWatched = false;

/**
 * `… --json | head`: when the reader of stdout goes away, end quietly (as other command-line tools
 * do) instead of with an unhandled EPIPE stack trace. Called by parseFlags, so every CLI has it.
 */
export function endQuietlyOnClosedStdout(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/**
 * Parses `args` with `parser` under this module's convention: throws a FlagError (one sentence)
 * on an unknown, repeated or malformed flag, a stray word, a missing required flag, or a value a
 * flag's own check refuses; reads `--config` (when the parser declares configOption) under the
 * command line; `--help` and `--version` print and exit as yargs does.
 */
export async function parseFlags<T>(parser: Argv<T>, args: readonly string[], options: ParseOptions = {}): Promise<T> {
  endQuietlyOnClosedStdout();
  const known = knownFlags(parser as Argv<unknown>);
  const tokens = tokenize(args, known, options.operands !== undefined);
  if ('problem' in tokens) throw new FlagError(tokens.problem);
  let flags = tokens.flags;
  const asksHelp = flags.some((f) => f.name === 'help' || f.name === 'version');
  let file: ConfigFile | undefined;
  const configFlag = flags.find((f) => f.name === 'config' && known.names.get('config') === 'config');
  if (configFlag && !asksHelp) {
    file = await readConfigFile(configFlag.value ?? '', known);
    const given = new Set(flags.map((f) => f.name));
    // The command line wins, flag by flag.
    flags = [...file.flags.filter((f) => !given.has(f.name)), ...flags];
  }
  const fromFile = file?.flags.filter((f) => flags.includes(f)).map((f) => f.name) ?? [];
  // yargs passes a flag's own check on as a bare message, which starts with the flag it names.
  const inFile = (err: FlagError) => {
    const flag = err.flag ?? fromFile.find((f) => err.message.startsWith(`--${f} `));
    return file && flag && fromFile.includes(flag) ? new FlagError(`Config file ${file.path}: ${err.message}`, flag) : err;
  };
  if (!asksHelp) {
    for (const [name, what] of known.required) {
      if (!flags.some((f) => f.name === name)) throw new FlagError(`--${name} is required; expected ${what || 'a value (see --help)'}.`, name);
    }
    const { operands } = options;
    if (operands && tokens.operands.length < (operands.min ?? 0)) {
      throw new FlagError(`No ${operands.describe} given; expected ${operands.min === operands.max ? 'one' : `at least ${operands.min}`} (see --help).`);
    }
    if (operands?.max !== undefined && tokens.operands.length > operands.max) {
      throw new FlagError(`Unexpected argument '${tokens.operands[operands.max]}'; expected ${operands.max === 1 ? `one ${operands.describe}` : `at most ${operands.max}`} (see --help).`);
    }
  }
  let parsed: T;
  try {
    parsed = (await parser
      // yargs would print the version of the package.json nearest the working directory: a user's project's.
      .version(collapseLabVersion())
      .strict()
      // Values arrive as typed: number flags parse their own text (flag-numbers.ts).
      .parserConfiguration({ 'duplicate-arguments-array': false, 'parse-numbers': false, 'parse-positional-numbers': false })
      .fail((msg, err) => {
        throw err instanceof FlagError ? err : new FlagError(oneLine(msg ?? err?.message ?? 'Bad flags.'));
      })
      .parseAsync(yargsArgs(flags, known))) as T;
  } catch (err) {
    throw err instanceof FlagError ? inFile(err) : err;
  }
  if (options.operands) (parsed as Record<string, unknown>)[options.operands.name] = tokens.operands;
  for (const name of known.repeatable) {
    const values = flags.filter((f) => f.name === name).map((f) => f.value!);
    if (values.length > 0) (parsed as Record<string, unknown>)[name] = values;
  }
  if (file) Object.defineProperty(parsed, SOURCE, { value: { path: file.path, flags: file.values }, enumerable: false });
  return parsed;
}

/**
 * parseFlags for a script's main: bad input ends the process with `Error: <sentence>` (the library's
 * option errors named as the parser's flags) and exit code 1.
 */
export async function parseFlagsOrExit<T>(parser: Argv<T>, args: readonly string[], options: ParseOptions = {}): Promise<T> {
  try {
    return await parseFlags(parser, args, options);
  } catch (err) {
    exitWithError(flagMessage(err, flagNames(parser as Argv<unknown>)));
  }
}

/** `flags` with `defaults` for every flag not given (the defaults the help shows beside each flag). */
export function withDefaults<T extends object, D extends Record<string, unknown>>(flags: T, defaults: D): Omit<T, keyof D> & { [K in keyof D]: D[K] } {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return { ...defaults, ...given } as Omit<T, keyof D> & { [K in keyof D]: D[K] };
}

/** The --config file parseFlags read for these flags (its path and flags as in the file), if any. */
export function configFileOf(parsed: unknown): { path: string; flags: Record<string, unknown> } | undefined {
  return (parsed as { [SOURCE]?: { path: string; flags: Record<string, unknown> } })?.[SOURCE];
}

/**
 * How a CLI names the library's options in messages: the flag that sets each (`aliases` for options
 * whose flag is not their kebab-case, e.g. learningRate -> lr); `force: true` -> --force,
 * `resume: false` -> --no-resume. An option no flag sets keeps its API name.
 */
export function flagNamer(flags: readonly string[], aliases: Readonly<Record<string, string>> = {}): OptionNamer {
  return (option, value) => {
    const flag = aliases[option] ?? flags.find((f) => f === option || f === kebab(option));
    if (flag === undefined) return value === undefined ? option : `${option}: ${value}`;
    if (value === 'true') return dashes(flag);
    if (value === 'false') return `--no-${flag}`;
    return value === undefined ? dashes(flag) : `${dashes(flag)} ${value}`;
  };
}

/**
 * The message of an error from the library, with every option it names turned into the flag that
 * sets it: the library's OptionError "maxIterations must be an integer >= 1; got 0." becomes
 * "--max-iterations must be an integer >= 1; got 0." when `flags` has `max-iterations`.
 */
export function flagMessage(err: unknown, flags: readonly string[] | OptionNamer): string {
  if (err instanceof OptionError) return oneLine(err.render(typeof flags === 'function' ? flags : flagNamer(flags)));
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** The flags a parser declares (for flagMessage). */
export function flagNames(parser: Argv<unknown>): string[] {
  return [...new Set(knownFlags(parser).names.values())];
}

/** One line, always: yargs spreads some messages over several. */
export function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

/** Prints `Error: <message>` on stderr and exits with code 1. */
export function exitWithError(message: string): never {
  process.stderr.write(`Error: ${oneLine(message)}\n`);
  process.exit(1);
}
