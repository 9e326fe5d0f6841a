/**
 * Number flags, parsed from the text as typed (yargs' own number coercion would take `0x10` as 16,
 * `''` as 0, `1e400` as Infinity and round `9007199254740993`, and the message could then only
 * show the rounded value). A number flag's value is a plain decimal: integers in digits only
 * (`60000`), other numbers in decimal or exponent notation (`0.001`, `1e-3`); it must be finite
 * and within the flag's range, and errors quote the text the user typed.
 */

/** What a number flag accepts. */
export interface NumberSpec {
  /** Whole numbers only, written in digits. Defaults to false. */
  integer?: boolean;
  /** Smallest value allowed. Defaults to none (integers: none, i.e. any safe integer). */
  min?: number;
  /** Largest value allowed. Defaults to none (integers: Number.MAX_SAFE_INTEGER, the largest exact one). */
  max?: number;
  /** Values must be greater than this (e.g. 0 for "a positive number"). Defaults to none. */
  above?: number;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** "an integer of at least 1", "a number from 0 to 1", "a positive number" */
export function expectedNumber(spec: NumberSpec, max = spec.max): string {
  const { integer = false, min, above } = spec;
  const noun = integer ? 'an integer' : 'a number';
  if (above === 0 && max === undefined) return integer ? 'a positive integer' : 'a positive number';
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (above !== undefined) return `${noun} greater than ${above}${max !== undefined ? ` and at most ${max}` : ''}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return integer ? 'an integer' : 'a finite number';
}

/** The value as a message quotes it: as typed, in quotes only when a shell would need them ('' for empty text). */
export function typed(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Parses the text of flag `--<flag>` as `spec` says, or returns the one sentence saying what is
 * wrong with it (naming the flag, quoting the text, saying what was expected).
 */
export function parseNumber(flag: string, text: string, spec: NumberSpec): number | { problem: string } {
  const integer = spec.integer ?? false;
  const lowest = spec.min ?? (spec.above !== undefined ? spec.above : -Infinity);
  const max = spec.max ?? (integer ? Number.MAX_SAFE_INTEGER : undefined);
  /** "--F T is not valid (reason); expected E, how." */
  const bad = (o: { reason?: string; how?: string; expected?: string } = {}) => ({
    problem:
      `--${flag} ${typed(text)} ${text === '' ? 'is empty' : 'is not valid'}${o.reason ? ` (${o.reason})` : ''}; ` +
      `expected ${o.expected ?? expectedNumber(spec)}${o.how ? `, ${o.how}` : ''}.`,
  });
  if (text === '') return bad();
  if (!(integer ? INTEGER : DECIMAL).test(text)) {
    // Say what makes a value that reads as a number unacceptable here.
    if (integer && DECIMAL.test(text))
      return bad(Number.isInteger(Number(text)) ? { how: 'written in digits only' } : {});
    if (/^\s|\s$/.test(text)) return bad({ how: 'without spaces' });
    if (/^[+-]?0[xob]/i.test(text)) return bad({ how: integer ? 'written in decimal digits' : 'written in decimal' });
    return { problem: `--${flag} ${typed(text)} is not a number; expected ${expectedNumber(spec)}.` };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return bad({ reason: 'beyond the largest number there is' });
  if (integer && !Number.isSafeInteger(value)) {
    return bad({
      reason: 'larger than the largest exact integer',
      expected: expectedNumber({ ...spec, min: spec.min ?? -Number.MAX_SAFE_INTEGER }, Number.MAX_SAFE_INTEGER),
    });
  }
  // "-0" where only non-negative values make sense reads as a typo; refuse it rather than guess.
  if (text.startsWith('-') && value === 0 && lowest >= 0)
    return bad(spec.min === 0 ? { how: 'without a minus sign' } : {});
  const low = spec.above !== undefined ? value <= spec.above : spec.min !== undefined && value < spec.min;
  if (low || (max !== undefined && value > max)) {
    // A bounded non-integer range reads best as an interval: "--real-fraction 1.5 is outside [0, 1]".
    if (!integer && spec.min !== undefined && spec.max !== undefined)
      return {
        problem: `--${flag} ${typed(text)} is outside [${spec.min}, ${spec.max}]; expected ${expectedNumber(spec)}.`,
      };
    return bad();
  }
  // A non-zero value that rounds to 0 (1e-400) is not the number typed.
  if (value === 0 && /[1-9]/.test(text.replace(/e.*$/i, ''))) return bad({ reason: 'too small to be represented' });
  return value;
}
