import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yargs from 'yargs';
import { readConfigFile } from '../../scripts/config-file.ts';
import {
  configFileOf,
  configOption,
  intOption,
  knownFlags,
  listOption,
  parseFlags,
  repeatableOption,
} from '../../scripts/flags.ts';
import { tempDir } from '../helpers/tmp.ts';

const parser = () =>
  yargs()
    .option('epochs', intOption('epochs', { describe: 'epochs', min: 1 }))
    .option('seed', intOption('seed', { describe: 'seed', min: 0 }))
    .option('scheme', listOption('scheme', { describe: 'schemes', choices: ['replace', 'accumulate', 'sub'] }))
    .option('out', { type: 'string', describe: 'output' })
    .option('metrics', { type: 'boolean', describe: 'metrics' })
    .option('extra', repeatableOption({ describe: 'extra' }))
    .option('config', configOption());

let dir: string;
const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};
const read = async (name: string, text: string) => readConfigFile(await file(name, text), knownFlags(parser()));
const refused = async (name: string, text: string) =>
  read(name, text).then(
    () => 'read',
    (e: Error) => e.message.replace(dir + '/', ''),
  );

beforeAll(async () => {
  dir = await tempDir();
});

describe('scripts/config-file', () => {
  it('reads JSON and YAML into the flags the command line would give, values as written', async () => {
    const yaml = await read(
      'a.yaml',
      'epochs: 3\nscheme: [replace, sub]\nmetrics: false\nout: runs/x\nextra: [--a=1, "--b=2,3"]\nseed: 9007199254740993\n',
    );
    expect(yaml.flags).toEqual([
      { name: 'epochs', typed: 'epochs', value: '3', negated: false },
      { name: 'scheme', typed: 'scheme', value: 'replace,sub', negated: false },
      { name: 'metrics', typed: 'metrics', negated: true },
      { name: 'out', typed: 'out', value: 'runs/x', negated: false },
      { name: 'extra', typed: 'extra', value: '--a=1', negated: false },
      { name: 'extra', typed: 'extra', value: '--b=2,3', negated: false },
      // The digits as written, not the double they round to.
      { name: 'seed', typed: 'seed', value: '9007199254740993', negated: false },
    ]);
    const json = await read('a.json', '{ "epochs": "4", "scheme": "replace,accumulate", "metrics": true }');
    expect(json.flags.map((f) => [f.name, f.value, f.negated])).toEqual([
      ['epochs', '4', false],
      ['scheme', 'replace,accumulate', false],
      ['metrics', undefined, false],
    ]);
    expect(json.values).toEqual({ epochs: '4', scheme: 'replace,accumulate', metrics: true });
  });

  it('reads a JSON file that starts with a byte-order mark', async () => {
    const json = await read('bom.json', '\uFEFF{ "epochs": 2 }');
    expect(json.values).toEqual({ epochs: 2 });
  });

  it('says in words why a config file cannot be read: a folder, not an errno', async () => {
    await mkdir(join(dir, 'folder.json'));
    const err = await readConfigFile(join(dir, 'folder.json'), knownFlags(parser())).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `Config file ${join(dir, 'folder.json')} is a folder; expected a JSON or YAML file of flags.`,
    );
  });

  it('refuses what is not a flag of this script, naming the file', async () => {
    expect(await refused('u.json', '{ "epochz": 3 }')).toBe(
      "Config file u.json has the unknown key 'epochz'; did you mean epochs?",
    );
    expect(await refused('d.json', '{ "--epochs": 3 }')).toBe(
      "Config file d.json has the unknown key '--epochs'; did you mean epochs?",
    );
    expect(await refused('n.json', '{ "no-metrics": true }')).toBe(
      "Config file n.json has the unknown key 'no-metrics'; did you mean metrics: false?",
    );
    expect(await refused('f.json', '{ "frobnicate": 1 }')).toBe(
      "Config file f.json has the unknown key 'frobnicate'; expected flag names of this script without dashes (see --help).",
    );
    expect(await refused('c.json', '{ "config": "other.json" }')).toBe(
      "Config file c.json sets 'config'; expected the flags themselves (config can only be given on the command line).",
    );
    expect(await refused('t.json', '{ "seed": 1, "seed": 2 }')).toBe(
      "Config file t.json gives 'seed' twice; expected each flag once.",
    );
    expect(await refused('b.yaml', 'metrics: yes\n')).toBe(
      'Config file b.yaml gives metrics the value "yes"; expected true or false.',
    );
    expect(await refused('v.yaml', 'epochs:\n')).toBe(
      'Config file v.yaml gives epochs no value; expected a value (text or a number).',
    );
    expect(await refused('o.yaml', 'out: { a: 1 }\n')).toBe(
      'Config file o.yaml gives out the value an object; expected a value (text or a number).',
    );
    expect(await refused('l.yaml', 'epochs: [1, 2]\n')).toBe(
      'Config file l.yaml gives epochs the value a list; expected a value (text or a number).',
    );
    expect(await refused('ch.yaml', 'scheme: [replace, keep]\n')).toBe(
      "Config file ch.yaml: --scheme 'keep' is not one of replace, accumulate or sub.",
    );
    expect(await refused('e.yaml', '')).toBe(
      'Config file e.yaml holds nothing; expected an object of flag name -> value, e.g. { "epochs": 5 }.',
    );
    expect(await refused('s.json', '{ "epochs": 3, }')).toMatch(
      /^Config file s\.json is not valid JSON \(.*\); expected an object of flag name -> value/,
    );
    expect(await refused('s.yaml', 'epochs: [3\n')).toMatch(
      /^Config file s\.yaml is not valid YAML \(.*\); expected an object of flag name -> value/,
    );
    expect(await refused('x.toml', 'epochs = 3')).toMatch(
      /^--config .*x\.toml is not a \.json, \.yaml or \.yml file; expected a file of flags such as experiment\.json\.$/,
    );
  });

  it('parseFlags puts the file under the command line, flag by flag, and says where a bad value came from', async () => {
    const path = await file('p.yaml', 'epochs: 3\nseed: 2\nmetrics: false\n');
    const flags = await parseFlags(parser(), ['--config', path, '--seed', '5']);
    expect([flags.epochs, flags.seed, flags.metrics]).toEqual([3, 5, false]);
    expect(configFileOf(flags)).toEqual({ path, flags: { epochs: 3, seed: 2, metrics: false } });
    expect(configFileOf(await parseFlags(parser(), ['--seed', '5']))).toBeUndefined();
    const bad = await file('bad.yaml', 'epochs: 0x3\n');
    await expect(parseFlags(parser(), ['--config', bad])).rejects.toThrow(
      `Config file ${bad}: --epochs 0x3 is not valid; expected an integer of at least 1, written in decimal digits.`,
    );
    // A bad value the command line replaces is never used.
    expect((await parseFlags(parser(), ['--config', bad, '--epochs', '2'])).epochs).toBe(2);
  });
});
