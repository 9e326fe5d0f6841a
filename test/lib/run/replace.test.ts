/**
 * `force` builds the new run before the old one goes (lib/run/replace.ts): the old run is set aside,
 * deleted only once the new run has sealed a checkpoint, and put back whole after a failure, a stop,
 * or a process killed in between. A resume deletes a `.partial` folder only when it holds nothing but
 * what collapse-lab writes there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainGenerations } from '../../../lib/generations.ts';
import type { GenerationsOptions } from '../../../lib/resolve.ts';
import { readRunInfo } from '../../../lib/run/info.ts';
import { recoverReplacement, setAside } from '../../../lib/run/replace.ts';
import { verifyRun } from '../../../lib/run/run-dir.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import type { ImageSet } from '../../../data/images.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
let two: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(60, 30);
  root = await tempDir();
  two = join(root, 'two');
  await trainGenerations(base({ runDir: two }));
});

const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae,
  data,
  scheme: parseScheme('replace'),
  generations: 2,
  epochs: 2,
  batchSize: 30,
  evalBatchSize: 30,
  seed: 5,
  ...over,
});
const jsonl = (dir: string) => readFile(join(dir, 'generations.jsonl'), 'utf8');
let copies = 0;
async function copyOf(run: string): Promise<string> {
  const dir = join(root, `copy-${++copies}`);
  await cp(run, dir, { recursive: true });
  return dir;
}

describe('force replaces a run only once the new one has sealed a checkpoint', () => {
  it('a new run that fails before its first checkpoint leaves the old run whole, and says so', async () => {
    const dir = await copyOf(two);
    const before = await jsonl(dir);
    const lines: string[] = [];
    // A failure in the first epoch, as a full disk or a bad setting would give before any checkpoint.
    const failing = () => {
      throw new Error('The first batch failed.');
    };
    await expect(
      trainGenerations(base({ runDir: dir, force: true, onBatch: failing, epochs: 3, log: (l) => lines.push(l) })),
    ).rejects.toThrow('The first batch failed.');
    expect(await verifyRun(dir)).toEqual({ completed: 2, found: 2 });
    expect(await jsonl(dir)).toBe(before);
    expect((await readdir(dir)).sort()).toEqual([
      'gen-001',
      'gen-002',
      'generations.jsonl',
      'run.json',
      'timings.jsonl',
    ]);
    expect(lines.join('\n')).toContain(`the run it was to replace in ${dir} was put back as it was`);
  });

  it('a stop after the first epoch checkpoint keeps the new run and deletes the old one', async () => {
    const dir = await copyOf(two);
    const old = (await readRunInfo(dir)).id;
    const controller = new AbortController();
    const run = trainGenerations(
      base({ runDir: dir, force: true, epochs: 3, signal: controller.signal, onEpochEnd: () => controller.abort() }),
    );
    await expect(run).rejects.toThrow(/aborted/);
    expect((await readRunInfo(dir)).id).not.toBe(old);
    expect((await readdir(dir)).sort()).toEqual(['gen-001.epoch-0001', 'run.json']);
  });

  it('a replacement a killed process left is settled on the next open: put back, or finished when the new run had a checkpoint', async () => {
    // Killed before the new run sealed anything: the old run comes back.
    const dir = await copyOf(two);
    const before = await jsonl(dir);
    await setAside(dir, ['run.json', 'generations.jsonl', 'timings.jsonl', 'gen-001', 'gen-002']);
    await writeFile(join(dir, 'run.json'), '{"half": "written"}\n');
    expect(await recoverReplacement(dir)).toMatch(
      /interrupted before the new run saved anything; the old run was put back as it was/,
    );
    expect(await verifyRun(dir)).toEqual({ completed: 2, found: 2 });
    expect(await jsonl(dir)).toBe(before);

    // Killed after the new run's first generation: the old run goes.
    const other = await copyOf(two);
    await setAside(other, ['run.json', 'generations.jsonl', 'timings.jsonl', 'gen-001', 'gen-002']);
    await cp(join(dir, 'gen-001'), join(other, 'gen-001'), { recursive: true });
    expect(await recoverReplacement(other)).toMatch(/the old run it replaced is now deleted/);
    expect((await readdir(other)).sort()).toEqual(['gen-001']);
  });

  it('the folder holding a run being replaced is never emptied of something collapse-lab did not put there', async () => {
    const dir = await copyOf(two);
    await setAside(dir, ['gen-002']);
    await writeFile(join(dir, '.replaced-run', 'thesis.tex'), 'mine\n');
    await expect(recoverReplacement(dir)).rejects.toThrow(
      `${join(dir, '.replaced-run')} holds thesis.tex, which collapse-lab did not put there`,
    );
    expect(await readFile(join(dir, '.replaced-run', 'thesis.tex'), 'utf8')).toBe('mine\n');
  });
});

describe('a temporary name does not make a folder ours', () => {
  for (const name of ['gen-003.partial', 'gen-002.epoch-0001.partial']) {
    it(`a resume leaves ${name} holding the user's file alone, and says so`, async () => {
      const dir = await copyOf(two);
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'thesis.tex'), 'mine\n');
      await expect(trainGenerations(base({ runDir: dir, resume: true, generations: 3 }))).rejects.toThrow(
        `${join(dir, name)} holds thesis.tex, which collapse-lab did not write there`,
      );
      expect(await readFile(join(dir, name, 'thesis.tex'), 'utf8')).toBe('mine\n');
    });
  }

  it('a resume deletes a .partial holding only what collapse-lab writes there', async () => {
    const dir = await copyOf(two);
    await mkdir(join(dir, 'gen-003.partial'));
    await writeFile(join(dir, 'gen-003.partial', 'weights.bin'), 'half');
    await writeFile(join(dir, 'gen-003.partial', '.record.json.123.partial'), 'half');
    await trainGenerations(base({ runDir: dir, resume: true, generations: 3 }));
    expect((await readdir(dir)).filter((n) => n.endsWith('.partial'))).toEqual([]);
    expect(await verifyRun(dir)).toEqual({ completed: 3, found: 3 });
  });
});

describe('run files are files', () => {
  it('a generations.jsonl that is a folder stops a resume with one sentence naming it', async () => {
    const dir = await copyOf(two);
    await rm(join(dir, 'generations.jsonl'));
    await mkdir(join(dir, 'generations.jsonl'));
    await expect(trainGenerations(base({ runDir: dir, resume: true, generations: 3 }))).rejects.toThrow(
      `${join(dir, 'generations.jsonl')} is a folder, which collapse-lab does not make there; expected its own file (move it away, then try again).`,
    );
  });
});
