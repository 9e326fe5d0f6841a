/**
 * Option checking shared by every resolve step in lib/: one error type that names the option, and
 * small checks that throw it. Errors raised in lib/ name API options (learningRate, force,
 * realFraction); a CLI shows the same sentence with its own flag names (OptionError.render), so
 * the library never needs to know its flags.
 */

/** A reference to an option inside an error sentence, with the value it is mentioned with (e.g. force: true). */
export class OptionRef {
  constructor(
    readonly option: string,
    readonly value?: string,
  ) {}
}

/** Mentions `option` (and a value, e.g. opt('force', true)) in an error sentence; see `say`. */
export const opt = (option: string, value?: unknown): OptionRef =>
  new OptionRef(option, value === undefined ? undefined : String(value));

/** A sentence whose option mentions are kept apart, so that each caller can name them its own way. */
export type Sentence = readonly (string | OptionRef)[];

/** Tagged template: say`try a lower ${opt('learningRate')}` -> a Sentence. Other values are turned into text. */
export function say(strings: TemplateStringsArray, ...values: unknown[]): Sentence {
  const out: (string | OptionRef)[] = [];
  strings.forEach((s, i) => {
    out.push(s);
    if (i < values.length) out.push(values[i] instanceof OptionRef ? (values[i] as OptionRef) : String(values[i]));
  });
  return out;
}

/** How a caller names an option: the API uses the option's own name ("force: true"), a CLI its flag ("--force"). */
export type OptionNamer = (option: string, value?: string) => string;

export const apiName: OptionNamer = (option, value) => (value === undefined ? option : `${option}: ${value}`);

/** A bad option: one sentence naming the option, the value as given and what was expected. */
export class OptionError extends Error {
  constructor(
    /** The option at fault, as the API names it. */
    readonly option: string,
    /** The value as given. */
    readonly value: unknown,
    readonly sentence: Sentence,
  ) {
    super(render(sentence, apiName));
    this.name = 'OptionError';
  }

  /** The sentence with options named by `name` (a CLI passes its option -> flag mapping). */
  render(name: OptionNamer): string {
    return render(this.sentence, name);
  }

  /** The same error inside a longer sentence (e.g. "Generation 2: ... Generations before 2 are kept."). */
  within(before: string, after = ''): OptionError {
    return new OptionError(this.option, this.value, [before, ...this.sentence, after]);
  }
}

function render(sentence: Sentence, name: OptionNamer): string {
  return sentence.map((p) => (typeof p === 'string' ? p : name(p.option, p.value))).join('');
}

/** A value as a sentence shows it: numbers and booleans as they are, strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint' ||
    value === undefined ||
    value === null
  )
    return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** "<option> <value> is not valid; expected <expected>." */
export function invalidOption(option: string, value: unknown, expected: string): OptionError {
  return new OptionError(option, value, say`${opt(option)} ${show(value)} is not valid; expected ${expected}.`);
}

/** `o` without its undefined fields, so that spreading it over defaults keeps the defaults. */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A number option given as something else: a string says so ("generations '3' is a string; expected
 * a positive integer (a number, not text)"), since "3" and 3 print alike in most places.
 */
export function invalidNumber(option: string, value: unknown, expected: string): OptionError {
  if (typeof value === 'string')
    return new OptionError(
      option,
      value,
      say`${opt(option)} ${quoteText(value)} is a string; expected ${expected} (a number, not text).`,
    );
  return invalidOption(option, value, expected);
}

/** Text as a sentence quotes it: 'like this' (JSON escapes for control characters and quotes). */
function quoteText(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** An integer of at least `min` (a number, not a numeric string). */
export function checkInteger(option: string, value: unknown, min: number): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min)) {
    throw invalidNumber(
      option,
      value,
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer of at least ${min}`,
    );
  }
  return value;
}

/** A finite number above 0. */
export function checkPositive(option: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0))
    throw invalidNumber(option, value, 'a positive number');
  return value;
}

/** A number from 0 to 1. */
export function checkFraction(option: string, value: unknown): number {
  if (!(typeof value === 'number' && value >= 0 && value <= 1))
    throw invalidNumber(option, value, 'a number from 0 to 1');
  return value;
}

export function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption(option, value, 'true or false');
  return value;
}

/** A function, or undefined (an optional hook). */
export function checkFunction<F>(option: string, value: unknown, optional = true): F | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'function') throw invalidOption(option, value, 'a function');
  return value as F;
}

/** A non-empty string (a path), or undefined. */
export function checkPath(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'string' && value.length > 0)) throw invalidOption(option, value, 'a non-empty path');
  return value;
}

/** An OptionError as plain data (for a worker process to send) and back. */
export interface OptionErrorData {
  option: string;
  value: unknown;
  sentence: (string | { option: string; value?: string })[];
}

export function optionErrorData(err: OptionError): OptionErrorData {
  return {
    option: err.option,
    value: err.value,
    sentence: err.sentence.map((p) => (typeof p === 'string' ? p : { option: p.option, value: p.value })),
  };
}

export function optionErrorFrom(data: OptionErrorData): OptionError {
  return new OptionError(
    data.option,
    data.value,
    data.sentence.map((p) => (typeof p === 'string' ? p : new OptionRef(p.option, p.value))),
  );
}
