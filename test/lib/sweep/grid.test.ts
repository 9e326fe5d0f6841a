import { describe, expect, it } from 'vitest';
import { checkGrid, expandGrid, flagArgs, parseGrid } from '../../../lib/sweep/grid.ts';

const GRID = {
  script: 'vae-mnist',
  flags: { 'train-size': 200, metrics: false },
  grid: { scheme: ['replace', 'accumulate'], seed: [0, 1] },
};

describe('grid files', () => {
  it('expands every combination of the axes, the first axis slowest', () => {
    expect(expandGrid(checkGrid(GRID))).toEqual([
      { scheme: 'replace', seed: 0 },
      { scheme: 'replace', seed: 1 },
      { scheme: 'accumulate', seed: 0 },
      { scheme: 'accumulate', seed: 1 },
    ]);
    expect(expandGrid(checkGrid({ script: 'vae-mnist' }))).toEqual([{}]);
  });

  it('turns flags into command-line arguments (true: --flag, false: --no-flag)', () => {
    expect(flagArgs({ 'train-size': 200, metrics: false, 'warm-start': true, scheme: 'mix' })).toEqual([
      '--train-size',
      '200',
      '--no-metrics',
      '--warm-start',
      '--scheme',
      'mix',
    ]);
  });

  it('reads JSON, and YAML by the extension', () => {
    expect(parseGrid(JSON.stringify(GRID), 'g.json')).toEqual(GRID);
    const yaml =
      'script: vae-mnist\nflags:\n  train-size: 200\n  metrics: false\ngrid:\n  scheme: [replace, accumulate]\n  seed: [0, 1]\n';
    expect(parseGrid(yaml, 'g.yaml')).toEqual(GRID);
  });

  it('says in one sentence what is wrong with a grid file, naming it', () => {
    const bad: [unknown, RegExp][] = [
      [[1], /holds a list; expected an object/],
      [{ script: 'vae-mnist', axes: {} }, /unknown key 'axes'/],
      [{ flags: {} }, /script nothing; expected the name of an experiment script/],
      [
        { script: 'vae-mnist', flags: { out: 'x' } },
        /sets 'out' in flags; expected it left out: the sweep gives every task its own --out/,
      ],
      [{ script: 'vae-mnist', grid: { resume: [true] } }, /sets 'resume' in grid/],
      [{ script: 'vae-mnist', flags: { seed: 1 }, grid: { seed: [0] } }, /names 'seed' both in flags and in grid/],
      [{ script: 'vae-mnist', grid: { seed: [] } }, /axis 'seed' an empty list; expected a non-empty list/],
      [{ script: 'vae-mnist', grid: { seed: 3 } }, /axis 'seed' 3; expected a non-empty list/],
      [{ script: 'vae-mnist', grid: { seed: [0, 0] } }, /lists 0 twice in axis 'seed'/],
      [
        { script: 'vae-mnist', grid: { seed: [0, '0'] } },
        /lists 0 and "0", which mean the same value, in axis 'seed'; expected each value once/,
      ],
      [
        { script: 'vae-mnist', grid: { seed: [0, '00'] } },
        /lists 0 and "00", which mean the same value, in axis 'seed'/,
      ],
      [
        { script: 'vae-mnist', flags: { hidden: [1, 2] } },
        /flag 'hidden' the value a list; expected a string, a number or true\/false/,
      ],
      [{ script: 'vae-mnist', flags: { '--seed': 1 } }, /flags key '--seed'; expected a flag name without dashes/],
    ];
    for (const [grid, message] of bad) expect(() => checkGrid(grid, 'g.json'), JSON.stringify(grid)).toThrow(message);
    expect(() => parseGrid('{ nope', 'g.json')).toThrow(/^Grid file g.json is not valid JSON \(/);
  });
});
