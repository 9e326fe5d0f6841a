/**
 * A --config file: the flags of one CLI in JSON or YAML (by the file's extension), keys as the flag
 * names without dashes, e.g.
 *
 *   { "scheme": "replace,accumulate", "epochs": 5, "train-size": 10000, "metrics": false }
 *
 * `true` is `--flag`, `false` is `--no-flag` (as in a sweep's grid file); a list flag also takes a
 * list (`scheme: [replace, accumulate]`). Values are taken as the text written in the file, so a
 * number is checked as typed, exactly as on the command line. Paths are relative to the working
 * directory, as they would be on the command line. Unknown keys, a key given twice and values a
 * flag cannot take are refused, naming the file.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { FlagError, suggestFlag, valueProblem } from './flag-words.ts';
import type { FlagToken, Known } from './flags.ts';
import { typed } from './flag-numbers.ts';

export interface ConfigFile {
  /** The file, as given to --config. */
  path: string;
  /** Its flags, as command-line flags (values as written). */
  flags: FlagToken[];
  /** Its flags as read (key -> value), for the record of the run. */
  values: Record<string, unknown>;
}

const EXTENSIONS = ['.json', '.yaml', '.yml'];
/** Flags only a command line can give. */
const COMMAND_LINE_ONLY = ['config', 'help', 'version'];

export async function readConfigFile(path: string, known: Known): Promise<ConfigFile> {
  const ext = extname(path).toLowerCase();
  if (!EXTENSIONS.includes(ext)) throw new FlagError(`--config ${typed(path)} is not a .json, .yaml or .yml file; expected a file of flags such as experiment.json.`, 'config');
  const fail = (sentence: string) => new FlagError(`Config file ${path} ${sentence}`, 'config');
  let text: string;
  try {
    // A byte-order mark (some Windows editors write one) is not part of the JSON or YAML.
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'does not exist; expected a JSON or YAML file of flags.' : `could not be read (${code ?? (err as Error).message}); expected a readable JSON or YAML file of flags.`);
  }
  const format = ext === '.json' ? 'JSON' : 'YAML';
  const shape = 'expected an object of flag name -> value, e.g. { "epochs": 5 }';
  if (format === 'JSON') {
    try {
      JSON.parse(text);
    } catch (err) {
      throw fail(`is not valid JSON (${(err as Error).message}); ${shape}.`);
    }
  }
  // JSON is YAML too; the YAML nodes keep each value's text as written (9007199254740993 stays exact).
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw fail(`is not valid ${format} (${doc.errors[0].message.split('\n')[0]}); ${shape}.`);
  if (!isMap(doc.contents)) throw fail(`holds ${doc.contents === null ? 'nothing' : describe(doc.contents)}; ${shape}.`);
  const flags: FlagToken[] = [];
  const values: Record<string, unknown> = {};
  const canonical = [...new Set(known.names.values())].filter((n) => !COMMAND_LINE_ONLY.includes(n));
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) throw fail(`has a key that is not a flag name; ${shape}.`);
    const name = known.names.get(key);
    if (name === undefined || name !== key) {
      const dashed = key.replace(/^-+/, '');
      const negation = dashed.startsWith('no-') && known.booleans.has(dashed.slice(3)) ? `${dashed.slice(3)}: false` : undefined;
      const suggestion = negation ?? (dashed !== key && known.names.get(dashed) === dashed ? dashed : suggestFlag(dashed, canonical));
      throw fail(`has the unknown key '${key}'; ${suggestion ? `did you mean ${suggestion}?` : 'expected flag names of this script without dashes (see --help).'}`);
    }
    if (COMMAND_LINE_ONLY.includes(name)) throw fail(`sets '${name}'; expected the flags themselves (${name} can only be given on the command line).`);
    if (Object.hasOwn(values, name)) throw fail(`gives '${name}' twice; expected each flag once.`);
    const value = pair.value as Node | null;
    // A repeatable flag takes a list as one value per item; any other flag is one token.
    const given = known.repeatable.has(name) && isSeq(value) ? value.items.map((item) => flagOf(name, item as Node, known, fail)) : [flagOf(name, value, known, fail)];
    for (const flag of given) {
      const problem = valueProblem(flag, known);
      if (problem) throw new FlagError(`Config file ${path}: ${problem}`, name);
      flags.push(flag);
    }
    values[name] = isScalar(value) ? value.value : isSeq(value) ? value.items.map((i) => (isScalar(i) ? i.value : null)) : null;
  }
  return { path, flags, values };
}

/** One key's value as the flag the command line would give. */
function flagOf(name: string, value: Node | null, known: Known, fail: (s: string) => FlagError): FlagToken {
  const token = { name, typed: name };
  if (known.booleans.has(name)) {
    if (isScalar(value) && typeof value.value === 'boolean') return { ...token, negated: !value.value };
    throw fail(`gives ${name} ${value === null ? 'no value' : `the value ${shown(value)}`}; expected true or false.`);
  }
  if (isSeq(value) && known.lists.has(name)) {
    const items = value.items.map((i) => (isScalar(i) && i.value !== null && typeof i.value !== 'object' ? textOf(i) : undefined));
    if (items.some((i) => i === undefined) || items.length === 0) throw fail(`gives ${name} ${describe(value)} that is not a list of plain values; expected e.g. ${name}: [a, b] or "a,b".`);
    return { ...token, value: items.join(','), negated: false };
  }
  if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number')) return { ...token, value: textOf(value), negated: false };
  const expected = known.lists.has(name) ? 'a value or a list of values' : 'a value (text or a number)';
  throw fail(`gives ${name} ${value === null || (isScalar(value) && value.value === null) ? 'no value' : `the value ${shown(value)}`}; expected ${expected}.`);
}

/** A scalar's text as written in the file (a string's own text; a number's digits, not its rounded value). */
function textOf(node: Node): string {
  const scalar = node as { value: unknown; source?: string };
  return typeof scalar.value === 'string' ? scalar.value : (scalar.source ?? String(scalar.value));
}

function shown(node: Node): string {
  return isScalar(node) ? JSON.stringify(node.value) : describe(node);
}

function describe(node: unknown): string {
  if (isMap(node)) return 'an object';
  if (isSeq(node)) return 'a list';
  return 'a value';
}
