import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadText } from '../../data/text.ts';
import { runCli, withFlags } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

let root: string;
let file: string;
let tiny: string[];

beforeAll(async () => {
  root = await tempDir();
  file = join(root, 'book.txt');
  // The first 4,000 characters of Moby Dick: 3,600 of training text, 400 of test text.
  await writeFile(file, (await loadText({ block: 8 })).trainText.slice(0, 4000));
  tiny = ['--text-file', file, '--block', '8', '--train-chars', '1000', '--synthetic-chars', '900', '--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--streams', '8', '--steps', '6', '--epochs', '2', '--generations', '2', '--batch-size', '8', '--lr', '0.01', '--scheme', 'accumulate', '--jobs', '1', '--backend', 'wasm'];
});

describe('lm-text', () => {
  it('after a SIGKILL during generation 2, --resume reaches the uninterrupted generations.jsonl and text', async () => {
    const whole = join(root, 'whole');
    const cut = join(root, 'cut');
    const done = await runCli('lm-text', [...tiny, '--out', whole]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^gen\s+accumulate test\s+bits\/char\s+ppl mean\s+ppl p99/m);
    const killed = await runCli('lm-text', [...tiny, '--out', cut], (err) => /generation 2\/2 epoch 1\/2/.test(err));
    expect(killed.signal).toBe('SIGKILL');
    expect((await readdir(join(cut, 'accumulate'))).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002.epoch-0001']);
    const resumed = await runCli('lm-text', [...tiny, '--out', cut, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming generation 2 after epoch 1 of 2/);
    const read = (d: string, f: string) => readFile(join(d, 'accumulate', f), 'utf8');
    expect(await read(cut, 'generations.jsonl')).toBe(await read(whole, 'generations.jsonl'));
    expect(await read(cut, 'gen-002/sample.txt')).toBe(await read(whole, 'gen-002/sample.txt'));
  });

  it('--jobs 2 (two schemes in worker processes) writes the records of --jobs 1', async () => {
    const two = ['--scheme', 'replace,fresh', '--generations', '2'];
    const one = await runCli('lm-text', [...withFlags(tiny, two), '--out', join(root, 'jobs-1')]);
    expect(one.code, one.stderr).toBe(0);
    const side = await runCli('lm-text', [...withFlags(tiny, [...two, '--jobs', '2']), '--out', join(root, 'jobs-2')]);
    expect(side.code, side.stderr).toBe(0);
    expect(side.stderr).toContain('2 schemes at once, one process each');
    // 1000 characters are 111 windows of 9: 'fresh' adds 10% of them, 11, per generation.
    for (const scheme of ['replace', 'fresh-11']) {
      const read = (d: string) => readFile(join(root, d, scheme, 'generations.jsonl'), 'utf8');
      expect(await read('jobs-2')).toBe(await read('jobs-1'));
    }
  });

  it('runs as a sweep: plan, local, aggregate', async () => {
    const dir = join(root, 'sweep');
    const grid = join(root, 'grid.json');
    const flags = Object.fromEntries(withFlags(tiny, ['--generations', '2']).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])));
    await writeFile(grid, JSON.stringify({ script: 'lm-text', flags: { ...flags, scheme: 'replace,fresh' }, grid: { seed: [0, 1] } }));
    const plan = await runCli('sweep', ['plan', grid, '--dir', dir]);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8'));
    expect(planned.tasks.map((t: { runs: { dir: string }[] }) => t.runs.map((r) => r.dir))).toEqual([
      ['tasks/000/replace', 'tasks/000/fresh-11'],
      ['tasks/001/replace', 'tasks/001/fresh-11'],
    ]);
    const local = await runCli('sweep', ['local', '--dir', dir, '--parallel', '2']);
    expect(local.code, local.stderr).toBe(0);
    const agg = await runCli('sweep', ['aggregate', '--dir', dir, '--no-runs-report']);
    expect(agg.code, agg.stderr).toBe(0);
    // Two settings (replace, fresh-11), two seeds per generation.
    const rows = ['replace\\s+1', 'replace\\s+2', 'fresh-11\\s+1', 'fresh-11\\s+2'].map((r) => `\\n${r}\\s+2\\s+[\\d.]+[^\\n]*`);
    expect(agg.stdout).toMatch(new RegExp(`^testLoss: mean over seeds .*\\nscheme\\s+gen\\s+n\\s+mean[^\\n]*${rows.join('')}\\n`));
    // The text analysis' fields are aggregated too, e.g. the perplexity tail.
    expect(await readFile(join(dir, 'aggregate.csv'), 'utf8')).toMatch(/\nfresh-11,2,pplP99,2,[\d.]+/);
  });

  it('stops on bad input with one sentence naming the flag, before writing anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--text-file', join(root, 'missing.txt')], /--text-file ".*missing\.txt" does not exist; expected a UTF-8 text file\./],
      [['--train-chars', '5000'], /--train-chars 5000 is beyond the training text of ".*" \(3600 characters, the first 90%\); expected at most 3600\./],
      [['--block', '500', '--train-chars', '3000'], /--block 500 is longer than the test text of ".*" allows \(400 characters, the last 10%\); expected at most 399\./],
      [['--n-head', '3'], /--n-head 3 does not divide --n-embd 16; expected a number of heads that splits the width evenly\./],
      [['--steps', '1'], /--steps 1 is fewer than --epochs 2/],
      [['--corpus', 'sotu'], /--text-file .* and --corpus sotu both name the text; expected one of them\./],
      [['--real-fraction', '0.1'], /--real-fraction 0.1 applies to --scheme mix only/],
    ];
    for (const [args, message] of cases) {
      const out = join(root, 'bad');
      const over = new Set(args.filter((a) => a.startsWith('--')));
      const base = tiny.filter((a, i) => !(over.has(a) || over.has(tiny[i - 1] ?? '')));
      const r = await runCli('lm-text', [...base, ...args, '--out', out]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('Error')).length).toBe(1);
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    }
  });
});
