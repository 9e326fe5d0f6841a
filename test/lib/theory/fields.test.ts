import { describe, expect, it } from 'vitest';
import { choice, integer, OptionError, real, resolveFields, vector } from '../../../lib/theory/fields.ts';

const fields = {
  d: integer({ default: 3, min: 1, help: 'features' }),
  T: integer({
    default: 10,
    min: 1,
    help: 'rows',
    also: (T, c) => (T <= (c.d as number) ? `must be more than d = ${c.d}` : undefined),
  }),
  sigma: real({ default: 1, min: 0, strict: true, help: 'noise' }),
  mode: choice({ choices: ['a', 'b'] as const, default: 'a', help: 'mode' }),
  w: vector({
    length: (c) => c.d as number,
    default: (c) => new Array<number>(c.d as number).fill(0.5),
    defaultHelp: 'halves',
    positive: true,
    what: 'weights',
    help: 'w',
  }),
};

describe('theory/fields', () => {
  it('fills in defaults, computing later ones from earlier fields', () => {
    expect(resolveFields(fields, {})).toEqual({ d: 3, T: 10, sigma: 1, mode: 'a', w: [0.5, 0.5, 0.5] });
    expect(resolveFields(fields, { d: 2, mode: 'b', T: undefined })).toEqual({
      d: 2,
      T: 10,
      sigma: 1,
      mode: 'b',
      w: [0.5, 0.5],
    });
  });

  it('copies vectors, so the caller’s array is not shared', () => {
    const w = [1, 2, 3];
    const c = resolveFields(fields, { w });
    w[0] = 9;
    expect(c.w).toEqual([1, 2, 3]);
  });

  it('names the bad option, what was expected and the value as given', () => {
    expect(() => resolveFields(fields, { d: 1.5 })).toThrow('d must be an integer >= 1; got 1.5.');
    expect(() => resolveFields(fields, { d: 4, T: 4 })).toThrow('T must be more than d = 4; got 4.');
    expect(() => resolveFields(fields, { sigma: 0 })).toThrow('sigma must be a finite number > 0; got 0.');
    expect(() => resolveFields(fields, { mode: 'c' })).toThrow("mode must be 'a' or 'b'; got 'c'.");
    expect(() => resolveFields(fields, { w: [1, -1, 1] })).toThrow(
      'w must be 3 positive numbers (weights); got [1, -1, 1].',
    );
  });

  it('throws an OptionError whose parts a CLI can map to its flag', () => {
    try {
      resolveFields(fields, { T: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OptionError);
      expect(e).toMatchObject({ option: 'T', value: 0 });
      expect((e as OptionError).render((option) => `--${option}`)).toBe('--T must be an integer >= 1; got 0.');
    }
  });
});
