import { describe, expect, it } from 'vitest';
import { expectedNumber, parseNumber, typed } from '../../scripts/flag-numbers.ts';

const problem = (text: string, spec: Parameters<typeof parseNumber>[2]) => {
  const r = parseNumber('n', text, spec);
  return typeof r === 'number' ? r : r.problem;
};

describe('scripts/flag-numbers', () => {
  it('takes plain decimals: integers in digits, other numbers also in exponent notation', () => {
    expect(problem('60000', { integer: true, min: 1 })).toBe(60000);
    expect(problem('007', { integer: true, min: 0 })).toBe(7);
    expect(problem('+5', { integer: true, min: 1 })).toBe(5);
    expect(problem('9007199254740991', { integer: true, min: 0 })).toBe(Number.MAX_SAFE_INTEGER);
    expect(problem('1e-3', { above: 0 })).toBe(0.001);
    expect(problem('.5', { min: 0, max: 1 })).toBe(0.5);
    expect(problem('-2.5', {})).toBe(-2.5);
    expect(problem('-3', { integer: true })).toBe(-3);
  });

  it('refuses what yargs would have coerced, quoting the text as typed', () => {
    const size = { integer: true, min: 1, max: 60000 };
    expect(problem('0x10', size)).toBe(
      '--n 0x10 is not valid; expected an integer from 1 to 60000, written in decimal digits.',
    );
    expect(problem('0b11', { integer: true })).toBe(
      '--n 0b11 is not valid; expected an integer, written in decimal digits.',
    );
    expect(problem('0x10', { above: 0 })).toBe(
      '--n 0x10 is not valid; expected a positive number, written in decimal.',
    );
    expect(problem('', size)).toBe("--n '' is empty; expected an integer from 1 to 60000.");
    expect(problem(' 5', size)).toBe("--n ' 5' is not valid; expected an integer from 1 to 60000, without spaces.");
    expect(problem('1e400', { above: 0 })).toBe(
      '--n 1e400 is not valid (beyond the largest number there is); expected a positive number.',
    );
    expect(problem('-1e400', {})).toBe(
      '--n -1e400 is not valid (beyond the largest number there is); expected a finite number.',
    );
    expect(problem('Infinity', { above: 0 })).toBe('--n Infinity is not a number; expected a positive number.');
    expect(problem('NaN', {})).toBe('--n NaN is not a number; expected a finite number.');
    expect(problem('abc', { above: 0 })).toBe('--n abc is not a number; expected a positive number.');
    expect(problem('1,5', { above: 0 })).toBe('--n 1,5 is not a number; expected a positive number.');
    expect(problem('9007199254740993', { integer: true, min: 0 })).toBe(
      '--n 9007199254740993 is not valid (larger than the largest exact integer); expected an integer from 0 to 9007199254740991.',
    );
    expect(problem('-9007199254740993', { integer: true })).toBe(
      '--n -9007199254740993 is not valid (larger than the largest exact integer); expected an integer from -9007199254740991 to 9007199254740991.',
    );
    expect(problem('1.0', { integer: true, min: 1 })).toBe(
      '--n 1.0 is not valid; expected an integer of at least 1, written in digits only.',
    );
    expect(problem('1e3', { integer: true, min: 1 })).toBe(
      '--n 1e3 is not valid; expected an integer of at least 1, written in digits only.',
    );
    expect(problem('1.5', { integer: true, min: 0 })).toBe('--n 1.5 is not valid; expected an integer of at least 0.');
    expect(problem("it's", {})).toBe("--n 'it'\\''s' is not a number; expected a finite number.");
  });

  it('keeps values in range and refuses a minus sign on a non-negative flag', () => {
    expect(problem('-0', { integer: true, min: 0 })).toBe(
      '--n -0 is not valid; expected an integer of at least 0, without a minus sign.',
    );
    expect(problem('-0', { min: 0, max: 1 })).toBe(
      '--n -0 is not valid; expected a number from 0 to 1, without a minus sign.',
    );
    expect(problem('-0', { above: 0 })).toBe('--n -0 is not valid; expected a positive number.');
    expect(problem('0', { above: 0 })).toBe('--n 0 is not valid; expected a positive number.');
    expect(problem('1e-400', { above: 0 })).toBe('--n 1e-400 is not valid; expected a positive number.');
    expect(problem('1e-400', {})).toBe(
      '--n 1e-400 is not valid (too small to be represented); expected a finite number.',
    );
    expect(problem('0', {})).toBe(0);
    expect(problem('1.5', { min: 0, max: 1 })).toBe('--n 1.5 is outside [0, 1]; expected a number from 0 to 1.');
    expect(problem('70000', { integer: true, min: 1, max: 60000 })).toBe(
      '--n 70000 is not valid; expected an integer from 1 to 60000.',
    );
    expect(problem('0', { integer: true, min: 1 })).toBe('--n 0 is not valid; expected an integer of at least 1.');
  });

  it('says what it expects in words', () => {
    expect(expectedNumber({ integer: true, min: 1 })).toBe('an integer of at least 1');
    expect(expectedNumber({ above: 0 })).toBe('a positive number');
    expect(expectedNumber({ integer: true, above: 0 })).toBe('a positive integer');
    expect(expectedNumber({ min: 0, max: 1 })).toBe('a number from 0 to 1');
    expect(expectedNumber({ max: 3 })).toBe('a number of at most 3');
    expect(typed('a b')).toBe("'a b'");
    expect(typed('0x10')).toBe('0x10');
  });
});
