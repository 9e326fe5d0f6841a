/**
 * The words of the flag convention (flags.ts) that a --config file (config-file.ts) checks the same
 * way: the error type, near-miss suggestions and the value checks that need no flag-specific code.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { FlagToken, Known } from './flags.ts';

/** Bad command-line input, as one sentence naming the flag and the value as given. */
export class FlagError extends Error {
  constructor(
    message: string,
    /** The flag at fault, when there is one (its canonical name, without dashes). */
    readonly flag?: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

/** `a, b or c` */
export function either(choices: readonly string[]): string {
  return choices.length === 1 ? choices[0] : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

/** Within a small edit distance, or two neighbouring letters swapped (lcoal, local): a typo, not another word. */
export function near(typed: string, known: string): boolean {
  if (distance(typed, known) <= Math.max(1, Math.floor(typed.length / 3))) return true;
  const differ = [...typed].flatMap((c, i) => (c === known[i] ? [] : [i]));
  return typed.length === known.length && differ.length === 2 && differ[1] === differ[0] + 1 && typed[differ[0]] === known[differ[1]] && typed[differ[1]] === known[differ[0]];
}

/** The word of `words` nearest to `typed` when it is a near miss (near), else undefined. */
export function nearest(typed: string, words: readonly string[]): string | undefined {
  const swapped = words.find((w) => near(typed, w));
  const best = closest(typed, [...words]);
  return near(typed, best) ? best : swapped;
}

/** "--design 'frsh' is not one of fixed or fresh; did you mean fresh?" or null when `value` is a choice. */
export function choiceProblem(flag: string, value: string, choices: readonly string[]): string | null {
  if (choices.includes(value)) return null;
  const best = nearest(value, choices);
  return `--${flag} '${value}' is not one of ${either(choices)}${best ? `; did you mean ${best}?` : '.'}`;
}

/** What is wrong with a comma list, or null. */
export function listProblem(flag: string, text: string, choices?: readonly string[]): string | null {
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

/** The flag of a camelCase option name: maxIterations -> max-iterations (a lone capital stays: T -> T). */
/** The flag of a camelCase option name: maxIterations -> max-iterations (a lone capital stays: T -> T). */
export const kebab = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, (_, a: string, b: string) => `${a}-${b.toLowerCase()}`)
    // A one-letter capital name before a word keeps its case: TGrowth -> T-growth.
    .replace(/^([A-Z])([A-Z])(?=[a-z])/, (_, a: string, b: string) => `${a}-${b.toLowerCase()}`);

/** The known flag nearest to `typed` (within a small edit distance, or one it starts), if any. */
export function suggestFlag(typed: string, flags: readonly string[]): string | undefined {
  const t = kebab(typed);
  const exact = flags.find((f) => f.toLowerCase() === t.toLowerCase());
  if (exact) return exact;
  // One-letter flags (--d, --T) only for an exact match: any short typo is near them.
  const candidates = flags.filter((f) => f.length > 1);
  if (candidates.length === 0) return undefined;
  const best = nearest(t, candidates);
  if (best) return best;
  const prefixed = candidates.filter((f) => f.startsWith(t));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export const dashes = (name: string): string => `--${name}`;

/** The value checks that need no flag-specific code: numbers of `type: 'number'` flags, choices, list items. */
export function valueProblem(t: FlagToken, known: Known): string | null {
  const { name, value } = t;
  if (value === undefined) return null;
  if (known.numbers.has(name) && !(value.trim() !== '' && Number.isFinite(Number(value)))) return `${dashes(t.typed)} '${value}' is not a number.`;
  const choices = known.choices.get(name);
  if (known.lists.has(name)) return listProblem(name, value, choices);
  return choices ? choiceProblem(name, value, choices) : null;
}
