import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, withFlags } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const SMALL = [
  '--train-size',
  '300',
  '--test-size',
  '100',
  '--generations',
  '3',
  '--epochs',
  '1',
  '--hidden',
  '32',
  '--latent-dim',
  '4',
  '--batch-size',
  '50',
  '--seed',
  '3',
  '--no-metrics',
];
let root: string;
beforeAll(async () => {
  root = await tempDir();
});

describe('scripts/vae-mnist.ts', () => {
  it('runs replace and accumulate on real MNIST, prints JSON records and the table', async () => {
    const out = join(root, 'json');
    const r = await runCli('vae-mnist', [...SMALL, '--out', out, '--json']);
    expect(r.stderr).toMatch(/Backend: wasm/);
    // A quiet start: auto never loads Dawn without a hardware GPU (its native warnings), and the banner is one short line.
    expect(r.stderr).not.toMatch(/Warning|Vulkan|BackendVk|artificially reduced/);
    expect(r.stderr.split('\n').find((l) => l.startsWith('Backend: '))!.length).toBeLessThan(200);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // The two schemes run side by side, so their lines interleave; each scheme's come in order.
    const of = (scheme: string) => records.filter((x) => x.scheme === scheme);
    expect(of('replace').map((x) => x.generation)).toEqual([1, 2, 3]);
    expect(of('accumulate').map((x) => x.generation)).toEqual([1, 2, 3]);
    expect(of('replace').map((x) => x.trainSize)).toEqual([300, 300, 300]);
    expect(of('accumulate').map((x) => x.trainSize)).toEqual([300, 600, 900]);
    // Per-source training losses: real in every generation, synthetic from generation 2 on.
    expect(of('accumulate').map((x) => [typeof x.trainLossReal, typeof x.trainLossSynthetic])).toEqual([
      ['number', 'undefined'],
      ['number', 'number'],
      ['number', 'number'],
    ]);
    expect(of('replace').map((x) => [typeof x.trainLossReal, typeof x.trainLossSynthetic])).toEqual([
      ['number', 'undefined'],
      ['undefined', 'number'],
      ['undefined', 'number'],
    ]);
    expect(r.stderr).toMatch(/gen\s+replace train\s+replace test\s+accumulate train\s+accumulate test/);
    expect((await readdir(out)).filter((n) => !n.startsWith('report')).sort()).toEqual(['accumulate', 'replace']);
    expect(r.stderr).toMatch(/2 schemes at once, one process each/);
    // Generation 1 is the same model on the same data under both schemes.
    expect(of('replace')[0].testLoss).toBe(of('accumulate')[0].testLoss);
  });

  it('after a SIGKILL during generation 3, --resume reaches the uninterrupted generations.jsonl', async () => {
    const whole = join(root, 'whole');
    const cut = join(root, 'cut');
    // Five epochs make generation 3 last long enough for the kill to land inside it.
    const args = withFlags(SMALL, ['--scheme', 'accumulate', '--epochs', '5']);
    expect((await runCli('vae-mnist', [...args, '--out', whole])).code).toBe(0);
    const killed = await runCli('vae-mnist', [...args, '--out', cut], (err) => /generation 3\/3: training/.test(err));
    expect(killed.signal).toBe('SIGKILL');
    const gens = (await readdir(join(cut, 'accumulate'))).filter((n) => n.startsWith('gen-'));
    expect(gens.sort()).toEqual(['gen-001', 'gen-002']);
    const resumed = await runCli('vae-mnist', [...args, '--out', cut, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming .* after generation 2/);
    const read = (d: string) => readFile(join(d, 'accumulate', 'generations.jsonl'), 'utf8');
    expect(await read(cut)).toBe(await read(whole));
    // The step log is cut back to the checkpoint the resume continued from: the same steps and losses, once each.
    const steps = async (d: string) =>
      (await readFile(join(d, 'accumulate', 'steps.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => {
          const { seconds: _s, ...rest } = JSON.parse(l);
          return rest;
        });
    expect(await steps(cut)).toEqual(await steps(whole));
  });

  it('stops on bad input with one sentence and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--scheme', 'keep'],
        /--scheme 'keep' is not one of replace, accumulate, sub, sub-repl, mix, augment or fresh\./,
      ],
      [['--epochs', '0'], /--epochs 0 is not valid; expected an integer of at least 1/],
      [['--scheme', 'mix', '--real-fraction', '2'], /--real-fraction 2 is outside \[0, 1\]/],
      [['--backend', 'gpu'], /--backend 'gpu' is not one of auto, tensorflow, .*wasm or cpu/],
      [['--bogus'], /Unknown flag --bogus; run with --help for the flags/],
      [['--scheme', 'fresh'], /Scheme 'fresh' needs --fresh-size; expected a positive integer/],
      [['--scheme', 'fresh', '--fresh-size', '0'], /--fresh-size 0 is not valid; expected an integer of at least 1/],
      [
        ['--scheme', 'fresh', '--fresh-size', '30000'],
        /Scheme fresh-30000 needs 30000 new real images in each of generations 2 to 3 \(60000 in all\) but only 59700 real images are left for it .*; expected a --fresh-size of at most 29850, or at most 2 --generations\./,
      ],
      [['--sampling-temperature', '0'], /--sampling-temperature 0 is not valid; expected a positive number/],
      [
        ['--backend', 'tensorflow'],
        /Backend 'tensorflow' needs @tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node[\s\S]*npm install @tensorflow\/tfjs-node-gpu@4.22.0/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli('vae-mnist', withFlags([...SMALL, '--out', join(root, 'bad')], args));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('Error')).length,
      ).toBe(1);
    }
  });

  it('runs the fresh-data loop (in a worker process, beside replace): generations 2 and 3 train on 400 new real images plus 400 samples', async () => {
    const out = join(root, 'fresh');
    const r = await runCli('vae-mnist', [
      '--scheme',
      'fresh,replace',
      '--fresh-size',
      '400',
      '--synthetic-size',
      '400',
      '--train-size',
      '400',
      '--generations',
      '3',
      '--epochs',
      '1',
      '--no-metrics',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 schemes at once, one process each/);
    const lines = (await readFile(join(out, 'fresh-400', 'generations.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.trainSize, l.realFraction])).toEqual([
      [400, 1],
      [800, 0.5],
      [800, 0.5],
    ]);
    expect(lines.slice(1).every((l) => l.trainLossReal > 0 && l.trainLossSynthetic > 0)).toBe(true);
    expect(JSON.parse(await readFile(join(out, 'fresh-400', 'run.json'), 'utf8')).config).toMatchObject({
      scheme: 'fresh-400',
      freshPoolSize: 59600,
    });
  });

  it('--sampling-temperature 0.5 changes generation 2 and is in run.json; a resume without it is refused', async () => {
    const args = withFlags(SMALL, ['--scheme', 'accumulate', '--generations', '2']);
    const out = join(root, 'cool');
    const r = await runCli('vae-mnist', [...args, '--sampling-temperature', '0.5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const cool = (await readFile(join(out, 'accumulate', 'generations.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const plain = (await readFile(join(root, 'json', 'accumulate', 'generations.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(cool[0].testLoss).toBe(plain[0].testLoss);
    expect(cool[1].testLoss).not.toBe(plain[1].testLoss);
    expect(cool[1].trainLossSynthetic).not.toBe(plain[1].trainLossSynthetic);
    expect(
      JSON.parse(await readFile(join(out, 'accumulate', 'run.json'), 'utf8')).config.model.samplingTemperature,
    ).toBe(0.5);
    const resumed = await runCli('vae-mnist', [...args, '--out', out, '--resume']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/another configuration \(model\.samplingTemperature was 0\.5, now unset\)/);
  });

  it('refuses to overwrite a finished run without --force', async () => {
    const out = join(root, 'json');
    const before = await readFile(join(out, 'replace', 'generations.jsonl'), 'utf8');
    const r = await runCli('vae-mnist', [...SMALL, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already holds a run; expected --resume to continue it or --force to replace it/);
    expect(await readFile(join(out, 'replace', 'generations.jsonl'), 'utf8')).toBe(before);
  });
});

describe('scripts/ae-mnist.ts', () => {
  it('runs the autoencoder with latent-Gaussian sampling', async () => {
    const out = join(root, 'ae');
    const r = await runCli(
      'ae-mnist',
      withFlags(SMALL, ['--generations', '2', '--scheme', 'replace', '--out', out, '--json']),
    );
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(2);
    expect(records.every((x) => x.testKl === 0)).toBe(true);
    const run = JSON.parse(await readFile(join(out, 'replace', 'run.json'), 'utf8'));
    expect(run.config.model).toMatchObject({ kind: 'ae', sampling: 'latent-gaussian' });
  });

  it('runs mix and sub side by side: each worker gets the scheme with its parameters, not its name', async () => {
    const out = join(root, 'mix-sub');
    const r = await runCli('ae-mnist', [
      '--scheme',
      'mix,sub',
      '--real-fraction',
      '0.5',
      '--train-size',
      '500',
      '--test-size',
      '200',
      '--generations',
      '2',
      '--epochs',
      '1',
      '--no-metrics',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 schemes at once, one process each/);
    expect((await readdir(out)).filter((n) => !n.startsWith('report')).sort()).toEqual(['mix-0.5', 'sub']);
    for (const name of ['mix-0.5', 'sub']) {
      const lines = (await readFile(join(out, name, 'generations.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.generation, l.scheme])).toEqual([
        [1, name],
        [2, name],
      ]);
    }
    const mix = (await readFile(join(out, 'mix-0.5', 'generations.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(mix[1].realFraction).toBe(0.5);
  });
});
