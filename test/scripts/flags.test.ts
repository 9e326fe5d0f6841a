import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import {
  checkArgs,
  flagMessage,
  FlagError,
  kebab,
  knownFlags,
  listOption,
  numberListOption,
  parseFlags,
  parseList,
  suggestFlag,
  usage,
  withDefault,
} from '../../scripts/flags.ts';
import { optionError } from '../../lib/theory/fields.ts';

const SCHEMES = ['replace', 'accumulate', 'sub', 'sub-repl'];

/** A parser shaped like the training CLIs': a list flag, numbers, a choice, booleans. */
function parser(args: readonly string[] = []) {
  return yargs([...args])
    .usage(usage('vae-mnist', 'Trains a VAE on MNIST.'))
    .option(
      'scheme',
      listOption('scheme', { describe: 'schemes', choices: SCHEMES, default: ['replace', 'accumulate'] }),
    )
    .option('train-size', { type: 'number', describe: withDefault('real training images used', 60000) })
    .option('lr', { type: 'number', describe: withDefault('Adam learning rate', 0.001) })
    .option('arch', { type: 'string', choices: ['dense', 'conv'], describe: 'architecture' })
    .option('hidden', numberListOption('hidden', { describe: 'hidden layer sizes', default: '400' }))
    .option('out', { type: 'string', describe: 'output root' })
    .option('json', { type: 'boolean', describe: 'JSON lines' })
    .option('metrics', { type: 'boolean', describe: 'collapse metrics' });
}

const problem = (args: string[]) => checkArgs(args, knownFlags(parser()));

describe('scripts/flags', () => {
  it('parses one comma list per list flag, and numbers lists into numbers', async () => {
    const argv = await parseFlags(parser(), [
      '--scheme',
      'replace,sub-repl',
      '--hidden',
      '512,256',
      '--train-size',
      '100',
      '--json',
    ]);
    expect(argv.scheme).toEqual(['replace', 'sub-repl']);
    expect(argv.hidden).toEqual([512, 256]);
    expect(argv['train-size']).toBe(100);
    expect(argv.json).toBe(true);
    // Absent flags stay undefined: the script applies its own defaults (the ones its help shows).
    expect((await parseFlags(parser(), [])).scheme).toBeUndefined();
    expect((await parseFlags(parser(), ['--scheme=accumulate'])).scheme).toEqual(['accumulate']);
  });

  it('names an unknown flag once, as typed, with the closest known one', () => {
    expect(problem(['--train-sze', '5'])).toBe('Unknown flag --train-sze; did you mean --train-size?');
    expect(problem(['--trainSize', '5'])).toBe('Unknown flag --trainSize; did you mean --train-size?');
    expect(problem(['--sceme=replace'])).toBe('Unknown flag --sceme; did you mean --scheme?');
    expect(problem(['--frobnicate'])).toBe('Unknown flag --frobnicate; run with --help for the flags.');
    expect(problem(['--no-jsn'])).toBe('Unknown flag --no-jsn; did you mean --no-json?');
  });

  it('refuses a space-separated list and a repeated flag, showing the comma form', () => {
    expect(problem(['--scheme', 'replace', 'accumulate'])).toBe(
      "Unexpected argument 'accumulate'; several values go in one comma list: --scheme replace,accumulate.",
    );
    expect(problem(['--scheme', 'replace', '--scheme', 'accumulate'])).toBe(
      '--scheme is given twice; several values go in one comma list: --scheme replace,accumulate.',
    );
    expect(problem(['--lr', '0.1', '--lr', '0.2'])).toBe('--lr is given twice; give each flag once.');
    expect(problem(['--json', 'extra'])).toBe(
      "Unexpected argument 'extra'; this script takes flags only (see --help).",
    );
  });

  it('checks values as typed: numbers, choices, list items, missing values', () => {
    expect(problem(['--lr', 'fast'])).toBe("--lr 'fast' is not a number.");
    expect(problem(['--lr', '-0.5'])).toBeNull();
    expect(problem(['--arch', 'cnv'])).toBe("--arch 'cnv' is not one of dense or conv; did you mean conv?");
    expect(problem(['--scheme', 'replace,acumulate'])).toBe(
      "--scheme 'acumulate' is not one of replace, accumulate, sub or sub-repl; did you mean accumulate?",
    );
    expect(problem(['--scheme', 'replace,,sub'])).toBe(
      "--scheme 'replace,,sub' has an empty item; expected a comma list without empty entries (e.g. --scheme replace,accumulate).",
    );
    expect(problem(['--scheme', 'sub,sub'])).toBe("--scheme lists 'sub' twice; expected each value once.");
    expect(problem(['--out'])).toBe('--out needs a value.');
    expect(problem(['--out', '--json'])).toBe('--out needs a value.');
    expect(problem(['--metrics', 'false', '--no-json'])).toBeNull();
  });

  it('parseFlags throws the sentence as a FlagError before yargs sees the arguments', async () => {
    await expect(parseFlags(parser(), ['--train-sze', '5'])).rejects.toThrow(
      new FlagError('Unknown flag --train-sze; did you mean --train-size?'),
    );
    await expect(parseFlags(parser(), ['--hidden', '400,x'])).rejects.toThrow(
      "--hidden '400,x' is not valid; expected numbers separated by commas, e.g. --hidden 1,2,0.5.",
    );
  });

  it('parseList splits and checks a comma list on its own', () => {
    expect(parseList('scheme', 'replace, sub', SCHEMES)).toEqual(['replace', 'sub']);
    expect(() => parseList('scheme', 'aug', SCHEMES)).toThrow(
      "--scheme 'aug' is not one of replace, accumulate, sub or sub-repl.",
    );
  });

  it('suggests only near misses, and one-letter flags only for a different case', () => {
    expect(suggestFlag('lamda', ['lambda', 'd', 'T'])).toBe('lambda');
    expect(suggestFlag('t', ['lambda', 'd', 'T'])).toBe('T');
    expect(suggestFlag('x', ['lambda', 'd', 'T'])).toBeUndefined();
    expect(suggestFlag('gen', ['generations', 'seed'])).toBe('generations');
    expect(kebab('maxIterations')).toBe('max-iterations');
    expect(kebab('T')).toBe('T');
    expect(kebab('TGrowth')).toBe('T-growth');
    expect(kebab('T0')).toBe('T0');
  });

  it('maps a library OptionError to the flag that sets the option', () => {
    const flags = ['max-iterations', 'T', 'plot-metric'];
    expect(flagMessage(optionError('maxIterations', 'must be an integer >= 1', 0), flags)).toBe(
      '--max-iterations must be an integer >= 1; got 0.',
    );
    expect(flagMessage(optionError('T', 'must be at least d + 2 = 12', 11), flags)).toBe(
      '--T must be at least d + 2 = 12; got 11.',
    );
    expect(flagMessage(optionError('wStar', 'must be 2 numbers', [1]), flags)).toBe(
      'wStar must be 2 numbers; got [1].',
    );
    expect(flagMessage(new Error('Something\n  else.'), flags)).toBe('Something else.');
  });

  it('prints the shared usage line and each flag with the default the script uses', async () => {
    const help = await parser().getHelp();
    expect(help.split('\n')[0]).toBe('Usage: npx tsx scripts/vae-mnist.ts [flags]');
    expect(help).toMatch(/real training images used \(default: 60000\)/);
    expect(help).toMatch(/schemes: one or a comma list \(default:\s+replace,accumulate\)/);
    expect(help).toMatch(/\[choices: "replace", "accumulate", "sub", "sub-repl"\]/);
  });
});
