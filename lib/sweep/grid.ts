/**
 * A sweep's grid file: the experiment script, its fixed flags and the axes. Every combination of
 * the axes is one task (the first axis varies slowest):
 *
 *   { "script": "vae-mnist",
 *     "flags": { "train-size": 10000, "generations": 5, "epochs": 5 },
 *     "grid": { "scheme": ["replace", "accumulate"], "seed": [0, 1, 2, 3, 4] } }
 *
 * Keys are the script's flag names without the dashes; `true` is `--flag`, `false` is `--no-flag`.
 * JSON, or YAML for a file ending in .yaml / .yml.
 */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A flag's value in a grid file. */
export type FlagValue = string | number | boolean;

/** A grid file: the script, the flags every task gets, and the axes. */
export interface Grid {
  /** The experiment script by name (scripts/<script>.ts), e.g. 'vae-mnist'. */
  script: string;
  /** Flags every task gets. Defaults to {}. */
  flags: Record<string, FlagValue>;
  /** Axes: flag name -> the values it takes. Defaults to {} (one task). */
  grid: Record<string, FlagValue[]>;
}

/** One combination of the axes. */
export type Settings = Record<string, FlagValue>;

/** Flags the sweep sets itself for every task (or that would stop a task from running as planned). */
const RESERVED_FLAGS: Record<string, string> = {
  out: 'the sweep gives every task its own --out (tasks/NNN)',
  resume: 'every task runs with --resume, so that a re-run continues it',
  force: 'a sweep never replaces a run; re-plan with --force instead',
  help: 'it would print the help instead of training',
  version: 'it would print the version instead of training',
};

const TOP_KEYS = ['script', 'flags', 'grid'];

/** Reads a grid file's text (JSON, or YAML by the file's extension) and checks its shape. */
export function parseGrid(text: string, file: string): Grid {
  const yaml = ['.yaml', '.yml'].includes(extname(file).toLowerCase());
  let raw: unknown;
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(
      `Grid file ${file} is not valid ${yaml ? 'YAML' : 'JSON'} (${oneLine((err as Error).message)}); ` +
        `expected an object with script, flags and grid.`,
    );
  }
  return checkGrid(raw, file);
}

/** Checks a grid object's shape (not the flags themselves: the script checks those). */
export function checkGrid(raw: unknown, file = 'grid'): Grid {
  if (!isObject(raw))
    throw new Error(`Grid file ${file} holds ${describe(raw)}; expected an object with script, flags and grid.`);
  const unknown = Object.keys(raw).filter((k) => !TOP_KEYS.includes(k));
  if (unknown.length > 0)
    throw new Error(`Grid file ${file} has the unknown key '${unknown[0]}'; expected only ${TOP_KEYS.join(', ')}.`);
  if (typeof raw.script !== 'string' || raw.script === '')
    throw new Error(
      `Grid file ${file} has script ${describe(raw.script)}; expected the name of an experiment ` +
        `script, e.g. "vae-mnist".`,
    );
  const flags = raw.flags ?? {};
  const grid = raw.grid ?? {};
  if (!isObject(flags))
    throw new Error(`Grid file ${file} has flags ${describe(flags)}; expected an object of flag name -> value.`);
  if (!isObject(grid))
    throw new Error(`Grid file ${file} has grid ${describe(grid)}; expected an object of flag name -> list of values.`);
  for (const [name, value] of Object.entries(flags)) {
    checkName(name, file, 'flags');
    if (!isFlagValue(value))
      throw new Error(
        `Grid file ${file} gives flag '${name}' the value ${describe(value)}; expected a string, a ` +
          `number or true/false.`,
      );
  }
  for (const [name, values] of Object.entries(grid)) {
    checkName(name, file, 'grid');
    if (Object.hasOwn(flags, name))
      throw new Error(
        `Grid file ${file} names '${name}' both in flags and in grid; expected each flag in one of them.`,
      );
    if (!Array.isArray(values) || values.length === 0)
      throw new Error(
        `Grid file ${file} gives axis '${name}' ${describe(values)}; expected a non-empty list of values.`,
      );
    const bad = values.find((v) => !isFlagValue(v));
    if (bad !== undefined)
      throw new Error(
        `Grid file ${file} has ${describe(bad)} among the values of axis '${name}'; expected ` +
          `strings, numbers or true/false.`,
      );
    const meanings = values.map(meaning);
    const i = meanings.findIndex((m, j) => meanings.indexOf(m) !== j);
    if (i >= 0) {
      const first = values[meanings.indexOf(meanings[i])];
      const same =
        JSON.stringify(first) === JSON.stringify(values[i])
          ? `${JSON.stringify(values[i])} twice`
          : `${JSON.stringify(first)} and ${JSON.stringify(values[i])}, which mean the same value,`;
      throw new Error(`Grid file ${file} lists ${same} in axis '${name}'; expected each value once.`);
    }
  }
  return { script: raw.script, flags: flags as Grid['flags'], grid: grid as Grid['grid'] };
}

/** Every combination of the axes, the first axis varying slowest. */
export function expandGrid(grid: Grid): Settings[] {
  let combos: Settings[] = [{}];
  for (const [name, values] of Object.entries(grid.grid)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** Command-line flags for the fixed flags plus one combination of the axes. */
export function flagArgs(flags: Record<string, FlagValue>): string[] {
  return Object.entries(flags).flatMap(([name, v]) =>
    v === true ? [`--${name}`] : v === false ? [`--no-${name}`] : [`--${name}`, String(v)],
  );
}

function checkName(name: string, file: string, where: string): void {
  if (!/^[a-zA-Z][\w-]*$/.test(name))
    throw new Error(
      `Grid file ${file} has the ${where} key '${name}'; expected a flag name without dashes, ` + `e.g. "train-size".`,
    );
  const why = RESERVED_FLAGS[name];
  if (why) throw new Error(`Grid file ${file} sets '${name}' in ${where}; expected it left out: ${why}.`);
}

/** A value as a flag reads it: "0", "00" and 0 are one number, so that two tasks never run the same setting. */
function meaning(v: FlagValue): string {
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return `number ${Number(v)}`;
  return `${typeof v} ${String(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFlagValue(v: unknown): v is FlagValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}

function oneLine(s: string): string {
  return s.trim().replace(/\s*\n\s*/g, ' ');
}
