/**
 * Every generation is bound to its run and its place (lib/run/binding.ts): a folder swapped, moved,
 * copied from another run, symlinked, or trained after another version of the generation before it
 * fails verification, is named, and is never trained on; a resume trains the place again and reaches
 * the uninterrupted numbers. Only folders collapse-lab can show it made are ever deleted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cp, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainGenerations } from '../../../lib/generations.ts';
import type { GenerationsOptions } from '../../../lib/resolve.ts';
import { readRunInfo } from '../../../lib/run/info.ts';
import { loadSynthetic, verifyRun } from '../../../lib/run/run-dir.ts';
import { readRun } from '../../../lib/run/read.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import type { ImageSet } from '../../../data/images.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
/** Three generations (and a second run with the same settings), and the same run to four generations. */
let three: string;
let twin: string;
let four: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(100, 50);
  root = await tempDir();
  three = join(root, 'three');
  twin = join(root, 'twin');
  four = join(root, 'four');
  await trainGenerations(base({ runDir: three }));
  await trainGenerations(base({ runDir: twin }));
  await trainGenerations(base({ runDir: four, generations: 4 }));
});

const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae,
  data,
  scheme: parseScheme('accumulate'),
  generations: 3,
  epochs: 2,
  batchSize: 50,
  evalBatchSize: 50,
  seed: 4,
  ...over,
});
const jsonl = (dir: string) => readFile(join(dir, 'generations.jsonl'), 'utf8');
let copies = 0;
async function copyOf(run: string): Promise<string> {
  const dir = join(root, `copy-${++copies}`);
  await cp(run, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}
const manifest = async (dir: string, g: number) =>
  JSON.parse(await readFile(join(dir, `gen-00${g}`, 'manifest.json'), 'utf8'));
const complete = async (dir: string, g: number) =>
  JSON.parse(await readFile(join(dir, `gen-00${g}`, 'COMPLETE'), 'utf8'));

describe('generation manifests bind their folder to the run and its place', () => {
  it("names the run, the generation and the previous generation's manifest digest", async () => {
    const info = await readRunInfo(three);
    expect(info.format).toBe('collapse-lab-run/2');
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readRunInfo(twin)).id).not.toBe(info.id);
    expect((await manifest(three, 1)).binding).toEqual({ run: info.id, generation: 1, previous: null });
    expect((await manifest(three, 3)).binding).toEqual({
      run: info.id,
      generation: 3,
      previous: (await complete(three, 2)).manifestSha256,
    });
    expect(await verifyRun(three)).toEqual({ completed: 3, found: 3 });
  });

  it('a swap of gen-002 and gen-003 fails verification, and the resume reaches the uninterrupted generation 4', async () => {
    const dir = await copyOf(three);
    await rename(join(dir, 'gen-002'), join(dir, 'swap'));
    await rename(join(dir, 'gen-003'), join(dir, 'gen-002'));
    await rename(join(dir, 'swap'), join(dir, 'gen-003'));
    const v = await verifyRun(dir);
    expect(v).toMatchObject({ completed: 1, found: 3, problem: { generation: 2 } });
    expect(v.problem!.message).toBe(
      `${join(dir, 'gen-002', 'manifest.json')} binds its folder to generation 3; expected generation 2 in this folder (moved, renamed or swapped).`,
    );
    // Readers refuse it too: records in the order 1, 3, 2 are never returned.
    await expect(readRun(dir)).rejects.toThrow(/gen-002\/manifest\.json binds its folder to generation 3/);
    const log: string[] = [];
    await trainGenerations(base({ runDir: dir, resume: true, generations: 4, log: (l) => log.push(l) }));
    expect(log.join('\n')).toContain(
      'Generation 2 failed verification and was discarded, with the 1 generation after it, to be trained again: ',
    );
    // The log was right all along: no note blames it.
    expect(log.join('\n')).not.toMatch(/generations\.jsonl did not match/);
    expect(await jsonl(dir)).toBe(await jsonl(four));
  });

  it('a generation copied from another run (same settings) fails verification, naming both runs', async () => {
    const dir = await copyOf(three);
    await rm(join(dir, 'gen-002'), { recursive: true });
    await cp(join(twin, 'gen-002'), join(dir, 'gen-002'), { recursive: true });
    const v = await verifyRun(dir);
    const [mine, theirs] = [(await readRunInfo(dir)).id, (await readRunInfo(twin)).id];
    expect(v.problem?.message).toBe(
      `${join(dir, 'gen-002', 'manifest.json')} belongs to another run (run ${theirs}, not this run's ${mine}); expected generation 2 of this run (copied from another run?).`,
    );
    await trainGenerations(base({ runDir: dir, resume: true }));
    expect(await jsonl(dir)).toBe(await jsonl(three));
    expect((await manifest(dir, 2)).binding.run).toBe(mine);
  });

  it('a generation trained after another version of the one before it fails verification (the chain)', async () => {
    const dir = await copyOf(three);
    const old = join(root, `old-gen-002-${copies}`);
    await cp(join(dir, 'gen-002'), old, { recursive: true });
    // Damage generation 1: the resume trains 1, 2 and 3 again (same numbers, new manifests: the timings differ).
    const bytes = await readFile(join(dir, 'gen-001', 'synthetic.u8'));
    bytes[3] ^= 1;
    await writeFile(join(dir, 'gen-001', 'synthetic.u8'), bytes);
    await trainGenerations(base({ runDir: dir, resume: true }));
    await rm(join(dir, 'gen-002'), { recursive: true });
    await cp(old, join(dir, 'gen-002'), { recursive: true });
    const v = await verifyRun(dir);
    expect(v).toMatchObject({ completed: 1, problem: { generation: 2 } });
    expect(v.problem!.message).toMatch(
      /gen-002\/manifest\.json follows a generation 1 whose manifest had SHA-256 [0-9a-f]{12}…, not the one here \([0-9a-f]{12}…\); expected generation 2 trained after this run's generation 1\.$/,
    );
  });

  it('a generation folder that is a symbolic link is refused, and neither the link nor its target is touched', async () => {
    const dir = await copyOf(three);
    const target = join(root, `elsewhere-${copies}`);
    await rename(join(dir, 'gen-002'), target);
    await symlink(target, join(dir, 'gen-002'));
    expect((await verifyRun(dir)).problem?.message).toBe(
      `${join(dir, 'gen-002')} is a symbolic link; expected the folder collapse-lab wrote there (symbolic links are refused).`,
    );
    await expect(loadSynthetic(dir, 2)).rejects.toThrow(/gen-002 is a symbolic link/);
    await expect(trainGenerations(base({ runDir: dir, resume: true }))).rejects.toThrow(
      /, so gen-002 would be discarded, but .*gen-002 is a symbolic link, which collapse-lab does not make/,
    );
    expect(await readlink(join(dir, 'gen-002'))).toBe(target);
    expect((await readdir(target)).sort()).toEqual((await readdir(join(three, 'gen-002'))).sort());
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002', 'gen-003']);
  });

  it('a symbolic link in place of a generation file is refused', async () => {
    const dir = await copyOf(three);
    const file = join(dir, 'gen-003', 'synthetic.u8');
    await rename(file, join(root, `synthetic-${copies}.u8`));
    await symlink(join(root, `synthetic-${copies}.u8`), file);
    expect((await verifyRun(dir)).problem?.message).toBe(
      `${file} is a symbolic link; expected the file collapse-lab wrote there (symbolic links are refused).`,
    );
    await expect(loadSynthetic(dir, 3)).rejects.toThrow(/synthetic\.u8 is a symbolic link/);
  });

  it('a middle generation deleted by hand: the later ones are discarded with a note, and trained again', async () => {
    const dir = await copyOf(three);
    await rm(join(dir, 'gen-002'), { recursive: true });
    expect(await verifyRun(dir)).toMatchObject({ completed: 1, found: 3, problem: { generation: 2, missing: true } });
    const log: string[] = [];
    await trainGenerations(base({ runDir: dir, resume: true, log: (l) => log.push(l) }));
    expect(log).toContain(
      `Generation 2 is missing (${join(dir, 'gen-002')} was deleted or moved by hand): the 1 generation after it was discarded, to be trained again.`,
    );
    expect(await jsonl(dir)).toBe(await jsonl(three));
  });

  it('an epoch checkpoint copied from another run is not loaded: the generation starts over', async () => {
    const stopIn = (dir: string) => {
      const c = new AbortController();
      return trainGenerations(
        base({
          runDir: dir,
          signal: c.signal,
          onEpochEnd: (e) => {
            if (e.generation === 2 && e.epoch === 1) c.abort();
          },
        }),
      );
    };
    const [a, b] = [join(root, 'stopped-a'), join(root, 'stopped-b')];
    await expect(stopIn(a)).rejects.toThrow(/aborted/);
    await expect(stopIn(b)).rejects.toThrow(/aborted/);
    await rm(join(a, 'gen-002.epoch-0001'), { recursive: true });
    await cp(join(b, 'gen-002.epoch-0001'), join(a, 'gen-002.epoch-0001'), { recursive: true });
    const log: string[] = [];
    await trainGenerations(base({ runDir: a, resume: true, log: (l) => log.push(l) }));
    expect(log.join('\n')).toMatch(
      /Epoch checkpoint .*gen-002\.epoch-0001 failed verification and is discarded: .*belongs to another run/,
    );
    expect(log).not.toContain('Resuming generation 2 after epoch 1 of 2.');
    expect(await jsonl(a)).toBe(await jsonl(three));
  });
});

describe('only what collapse-lab made is deleted', () => {
  it("force replaces our run and leaves the user's files in the run directory alone", async () => {
    const dir = await copyOf(three);
    await writeFile(join(dir, 'notes.txt'), 'mine\n');
    await mkdir(join(dir, 'plots'));
    await writeFile(join(dir, 'plots', 'a.png'), 'mine\n');
    const before = (await readRunInfo(dir)).id;
    await trainGenerations(base({ runDir: dir, force: true, generations: 1 }));
    expect((await readdir(dir)).sort()).toEqual([
      'gen-001',
      'generations.jsonl',
      'notes.txt',
      'plots',
      'run.json',
      'timings.jsonl',
    ]);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(dir, 'plots', 'a.png'), 'utf8')).toBe('mine\n');
    expect((await readRunInfo(dir)).id).not.toBe(before);
  });

  it("force stops, changing nothing, when a generation folder holds the user's file", async () => {
    const dir = await copyOf(three);
    await writeFile(join(dir, 'gen-002', 'notes.txt'), 'mine\n');
    await expect(trainGenerations(base({ runDir: dir, force: true }))).rejects.toThrow(
      `${join(dir, 'gen-002')} holds notes.txt, which collapse-lab did not write there; expected only its own files in a folder it replaces (move it away, then try again).`,
    );
    expect(await verifyRun(dir)).toEqual({ completed: 3, found: 3 });
    expect(await readFile(join(dir, 'gen-002', 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('a file added to a good generation is kept (never loaded); in a generation to discard it stops the resume', async () => {
    const dir = await copyOf(three);
    await writeFile(join(dir, 'gen-001', 'notes.txt'), 'mine\n');
    await trainGenerations(base({ runDir: dir, resume: true }));
    expect(await readFile(join(dir, 'gen-001', 'notes.txt'), 'utf8')).toBe('mine\n');
    const bytes = await readFile(join(dir, 'gen-001', 'weights.bin'));
    bytes[0] ^= 1;
    await writeFile(join(dir, 'gen-001', 'weights.bin'), bytes);
    await expect(trainGenerations(base({ runDir: dir, resume: true }))).rejects.toThrow(
      /^Generation 1 failed verification \(.*weights\.bin does not match its SHA-256.*\), so gen-001 would be discarded, but .*gen-001 holds notes\.txt, which collapse-lab did not write there/,
    );
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002', 'gen-003']);
    expect(await lstat(join(dir, 'run.lock')).catch(() => null)).toBeNull();
  });

  it("a name ending in .partial that is not one of ours is the user's", async () => {
    const dir = await copyOf(three);
    await writeFile(join(dir, 'draft.partial'), 'mine\n');
    await expect(trainGenerations(base({ runDir: join(dir), resume: true }))).resolves.toHaveLength(3);
    expect(await readFile(join(dir, 'draft.partial'), 'utf8')).toBe('mine\n');
  });
});
