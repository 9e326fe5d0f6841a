import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../lib/tfjs.ts';
import { cp, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trainGenerations } from '../../../lib/generations.ts';
import type { GenerationsOptions } from '../../../lib/resolve.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import { readRunInfo } from '../../../lib/run/info.ts';
import { genDirName } from '../../../lib/run/layout.ts';
import { loadNetwork, loadSynthetic, RunDir, verifyRun } from '../../../lib/run/run-dir.ts';
import { readRun } from '../../../lib/run/read.ts';
import { fit } from '../../../lib/train.ts';
import { createRng } from '../../../lib/rng.ts';
import type { EpochState } from '../../../lib/train.ts';
import type { ImageSet } from '../../../data/images.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
let whole: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(150, 60);
  root = await tempDir();
  whole = join(root, 'whole');
  await trainGenerations(base({ runDir: whole }));
});

// Four epochs of three batches each: enough to stop mid-generation at several places.
const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae, data, scheme: parseScheme('accumulate'), generations: 2, epochs: 4, batchSize: 50, evalBatchSize: 100, seed: 21, ...over,
});
const jsonl = (dir: string) => readFile(join(dir, 'generations.jsonl'), 'utf8');
const stopAt = (where: (c: { generation: number; epoch: number; batch: number }) => boolean) => {
  const controller = new AbortController();
  return { signal: controller.signal, onBatch: (c: { generation: number; epoch: number; batch: number }) => { if (where(c)) controller.abort(); } };
};

describe('epoch-level resume', () => {
  it('continues generation 2 from its last finished epoch and reaches the uninterrupted numbers', async () => {
    const dir = join(root, 'mid');
    await expect(trainGenerations(base({ runDir: dir, ...stopAt((c) => c.generation === 2 && c.epoch === 3 && c.batch === 2) }))).rejects.toThrow(/aborted/);
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002.epoch-0002']);
    expect((await readdir(join(dir, 'gen-002.epoch-0002'))).sort()).toEqual(['COMPLETE', 'manifest.json', 'model.bin', 'optimizer.bin', 'state.json']);
    const state = JSON.parse(await readFile(join(dir, 'gen-002.epoch-0002', 'state.json'), 'utf8'));
    expect(state).toMatchObject({ generation: 2, epoch: 2, epochs: 4, learningRate: 1e-3, seed: 21 });
    expect(state.epochLosses).toHaveLength(2);
    const log: string[] = [];
    const before = tf.memory().numTensors;
    await trainGenerations(base({ runDir: dir, resume: true, log: (l) => log.push(l) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(log).toContain('Resuming generation 2 after epoch 2 of 4.');
    expect(await jsonl(dir)).toBe(await jsonl(whole));
    // The epoch folder goes once its generation is complete.
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002']);
  });

  it('skips training entirely when the stop came after the last epoch, before the generation was saved', async () => {
    const dir = join(root, 'last');
    const controller = new AbortController();
    await expect(
      trainGenerations(base({ runDir: dir, signal: controller.signal, onEpochEnd: (c) => { if (c.generation === 1 && c.epoch === 4) controller.abort(); } })),
    ).rejects.toThrow(/aborted/);
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-'))).toEqual(['gen-001.epoch-0004']);
    const log: string[] = [];
    let batches = 0;
    await trainGenerations(base({ runDir: dir, resume: true, log: (l) => log.push(l), onBatch: (c) => { if (c.generation === 1) batches++; } }));
    expect(log).toContain('Resuming generation 1 after epoch 4 of 4.');
    expect(batches).toBe(0);
    expect(await jsonl(dir)).toBe(await jsonl(whole));
  });

  it('falls back to training the generation from its start when the epoch checkpoint is damaged', async () => {
    const dir = join(root, 'damaged-epoch');
    await expect(trainGenerations(base({ runDir: dir, ...stopAt((c) => c.generation === 2 && c.epoch === 2 && c.batch === 1) }))).rejects.toThrow(/aborted/);
    const bin = join(dir, 'gen-002.epoch-0001', 'optimizer.bin');
    const bytes = await readFile(bin);
    bytes[100] ^= 1;
    await writeFile(bin, bytes);
    const log: string[] = [];
    await trainGenerations(base({ runDir: dir, resume: true, log: (l) => log.push(l) }));
    expect(log.join('\n')).toMatch(/Epoch checkpoint .*gen-002\.epoch-0001 failed verification and is discarded: .*optimizer\.bin does not match its SHA-256/);
    expect(log.join('\n')).not.toMatch(/Resuming generation 2 after epoch/);
    expect(await jsonl(dir)).toBe(await jsonl(whole));
  });

  it('fit() resumed from a saved state gives bit-identical weights and losses, and frees every tensor', async () => {
    const fresh = () => tinyVae({ seed: 5 });
    const opts = { data: data.train, epochs: 3, batchSize: 50, learningRate: 1e-3, rng: createRng(9, 1) };
    const a = fresh();
    const straight = await fit({ ...opts, model: a });
    const want = a.network.getWeights().map((w) => Array.from(w.dataSync()));
    a.dispose();

    const before = tf.memory().numTensors;
    const b = fresh();
    let saved: EpochState | undefined;
    const controller = new AbortController();
    await expect(
      fit({
        ...opts,
        model: b,
        signal: controller.signal,
        // A deep copy, as a checkpoint on disk would be.
        saveEpoch: async (s) => {
          if (s.epoch !== 1) return;
          saved = { ...s, weights: s.weights.map((w) => w.clone()), optimizer: { ...s.optimizer, tensors: s.optimizer.tensors.map((t) => ({ name: t.name, tensor: t.tensor.clone() })) } };
          controller.abort();
        },
      }),
    ).rejects.toThrow(/aborted/);
    b.dispose();
    const c = fresh();
    const resumed = await fit({ ...opts, model: c, resumeFrom: saved });
    expect(resumed.epochLosses).toEqual(straight.epochLosses);
    expect(c.network.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(want);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('checksums on load and resume', () => {
  const damages: [string, (path: string) => Promise<void>][] = [
    ['truncated', (p) => truncate(p, 0)],
    ['one byte flipped', async (p) => {
      const b = await readFile(p);
      b[Math.floor(b.length / 2)] ^= 0x01;
      await writeFile(p, b);
    }],
    ['deleted', (p) => rm(p)],
  ];
  const GEN_FILES = ['COMPLETE', 'manifest.json', 'model.json', 'record.json', 'samples.png', 'synthetic.json', 'synthetic.u8', 'weights.bin'];

  it('detects every single-file damage to a finished generation and names the file', async () => {
    expect((await readdir(join(whole, 'gen-001'))).sort()).toEqual(GEN_FILES);
    let tried = 0;
    for (const g of [1, 2]) {
      for (const file of GEN_FILES) {
        for (const [how, damage] of damages) {
          const dir = join(root, `v-${g}-${file}-${tried}`);
          await cp(whole, dir, { recursive: true });
          await damage(join(dir, genDirName(g), file));
          const v = await verifyRun(dir);
          expect(v, `${file} of generation ${g} ${how}`).toMatchObject({ completed: g - 1, found: 2, problem: { generation: g } });
          expect(v.problem!.message, `${file} ${how}`).toContain(join(dir, genDirName(g), ['model.json', 'record.json', 'samples.png', 'synthetic.json', 'synthetic.u8', 'weights.bin'].includes(file) ? file : ''));
          await rm(dir, { recursive: true });
          tried++;
        }
      }
    }
    expect(tried).toBe(2 * GEN_FILES.length * damages.length);
  });

  it('never loads a damaged file: the loaders refuse it with a sentence naming it', async () => {
    const dir = join(root, 'loaders');
    await cp(whole, dir, { recursive: true });
    const gen = join(dir, 'gen-001');
    for (const f of ['synthetic.u8', 'weights.bin', 'record.json']) {
      const b = await readFile(join(gen, f));
      b[b.length - 1] ^= 0x80;
      await writeFile(join(gen, f), b);
    }
    await expect(loadSynthetic(dir, 1)).rejects.toThrow(/gen-001\/synthetic\.u8 does not match its SHA-256 in manifest\.json/);
    await expect(loadNetwork(dir, 1)).rejects.toThrow(/gen-001\/weights\.bin does not match its SHA-256/);
    await expect(new RunDir(dir).records(1)).rejects.toThrow(/gen-001\/record\.json does not match its SHA-256/);
  });

  it('resume discards the first damaged generation and all after it, trains them again and reaches the same numbers', async () => {
    const dir = join(root, 'resume-damaged');
    await cp(whole, dir, { recursive: true });
    const b = await readFile(join(dir, 'gen-001', 'synthetic.u8'));
    b[7] ^= 0x10;
    await writeFile(join(dir, 'gen-001', 'synthetic.u8'), b);
    const log: string[] = [];
    await trainGenerations(base({ runDir: dir, resume: true, log: (l) => log.push(l) }));
    expect(log.join('\n')).toMatch(/Generation 1 failed verification and was discarded, with the 1 generation after it, to be trained again: .*gen-001\/synthetic\.u8 does not match its SHA-256/);
    expect(await jsonl(dir)).toBe(await jsonl(whole));
    expect((await verifyRun(dir)).completed).toBe(2);
  });

  it('rebuilds a damaged generations.jsonl or timings.jsonl from the records on resume, and says so', async () => {
    for (const [file, damage] of [['generations.jsonl', (t: string) => t.replace('"generation":2', '"generation":7')], ['timings.jsonl', (t: string) => t.slice(0, 20)]] as const) {
      const dir = join(root, `log-${file}`);
      await cp(whole, dir, { recursive: true });
      await writeFile(join(dir, file), damage(await readFile(join(dir, file), 'utf8')));
      const log: string[] = [];
      await trainGenerations(base({ runDir: dir, resume: true, log: (l) => log.push(l) }));
      expect(log.join('\n')).toContain(`${join(dir, file)} did not match the generations' record.json files (damaged or edited); it was rewritten from them.`);
      expect(await readFile(join(dir, file), 'utf8')).toBe(await readFile(join(whole, file), 'utf8'));
    }
  });

  it('refuses a damaged run.json with one sentence and changes nothing', async () => {
    const dir = join(root, 'runjson');
    await cp(whole, dir, { recursive: true });
    const path = join(dir, 'run.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"seed": 21', '"seed": 22'));
    await expect(readRunInfo(dir)).rejects.toThrow(/run\.json does not match its own checksum \(damaged or edited\)/);
    await expect(trainGenerations(base({ runDir: dir, resume: true }))).rejects.toThrow(/run\.json does not match its own checksum/);
    await truncate(path, 10);
    await expect(trainGenerations(base({ runDir: dir, resume: true }))).rejects.toThrow(/run\.json could not be read as JSON/);
    await rm(path);
    await expect(trainGenerations(base({ runDir: dir, resume: true }))).rejects.toThrow(/has no run\.json; expected a run directory/);
    expect((await readdir(dir)).sort()).toEqual(['gen-001', 'gen-002', 'generations.jsonl', 'steps.jsonl', 'timings.jsonl']);
  });
});

describe('leftovers and the run lock', () => {
  it('deletes temporary files, half-written folders and a stale lock at start', async () => {
    const dir = join(root, 'leftovers');
    await cp(whole, dir, { recursive: true });
    await rm(join(dir, 'gen-002'), { recursive: true });
    await mkdir(join(dir, 'gen-002.partial'));
    await writeFile(join(dir, 'gen-002.partial', 'weights.bin'), 'half');
    await mkdir(join(dir, 'gen-002.epoch-0003.partial'));
    await writeFile(join(dir, '.generations.jsonl.4242.partial'), 'half');
    await mkdir(join(dir, 'gen-001.epoch-0004'));
    // A pid that cannot be alive (above the kernel's pid_max).
    await writeFile(join(dir, 'run.lock'), JSON.stringify({ pid: 2 ** 30, host: (await import('node:os')).hostname() }));
    await trainGenerations(base({ runDir: dir, resume: true }));
    expect((await readdir(dir)).sort()).toEqual(['gen-001', 'gen-002', 'generations.jsonl', 'run.json', 'steps.jsonl', 'timings.jsonl']);
    expect(await jsonl(dir)).toBe(await jsonl(whole));
  });

  it('refuses a run directory another live process is working on', async () => {
    const dir = join(root, 'locked');
    await cp(whole, dir, { recursive: true });
    const lock = JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() });
    await writeFile(join(dir, 'run.lock'), lock);
    await expect(trainGenerations(base({ runDir: dir, resume: true, generations: 3 }))).rejects.toThrow(
      new RegExp(`Run directory .*locked is in use by process ${process.ppid}; expected one process per run directory`),
    );
    expect(await readFile(join(dir, 'run.lock'), 'utf8')).toBe(lock);
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002']);
  });
});

describe('non-finite loss', () => {
  it('keeps nothing of the diverged generation and resumes with a lower learning rate, which the new generations record', async () => {
    const dir = join(root, 'nan');
    await expect(trainGenerations(base({ runDir: dir, learningRate: 1e6 }))).rejects.toThrow(/Generation \d: The training \(epoch \d\) loss is (NaN|Infinity).*Generations before \d are kept/);
    const kept = (await readdir(dir)).filter((n) => n.startsWith('gen-'));
    expect(kept.every((n) => /^gen-\d{3}$/.test(n))).toBe(true);
    const log: string[] = [];
    const records = await trainGenerations(base({ runDir: dir, resume: true, learningRate: 1e-3, log: (l) => log.push(l) }));
    expect(log.join('\n')).toMatch(/The learning rate is 0\.001 from generation \d on \(the run started with 1000000\)/);
    expect(records.slice(kept.length).every((r) => r.learningRate === 1e-3)).toBe(true);
    expect(records.every((r) => Number.isFinite(r.testLoss))).toBe(true);
  });
});

describe('readers name what they were asked for', () => {
  it('"no generation 3" for a two-generation run, and a generation given as text is refused as such', async () => {
    await expect(loadSynthetic(whole, 3)).rejects.toThrow(`Run ${whole} has no generation 3; expected 1 to 2.`);
    await expect(loadNetwork(whole, 3)).rejects.toThrow(`Run ${whole} has no generation 3; expected 1 to 2.`);
    await expect(loadSynthetic(whole, '1' as unknown as number)).rejects.toThrow("Generation '1' (text) is not a generation number; expected an integer from 1.");
    await expect(readRun(undefined as unknown as string)).rejects.toThrow('A run was given as undefined; expected the path of a run directory (or a RunDir).');
  });

  it('verifyRun finds a hand-edited generations.jsonl; a log that only lags behind (a crash) passes', async () => {
    const dir = join(root, 'edited-log');
    await cp(whole, dir, { recursive: true });
    const text = await jsonl(dir);
    await writeFile(join(dir, 'generations.jsonl'), text.replace(/"testLoss":\d/, '"testLoss":1'));
    expect((await verifyRun(dir)).logProblem?.message).toMatch(/generations\.jsonl does not hold the records of the run's generations \(edited or damaged\)/);
    await writeFile(join(dir, 'generations.jsonl'), text.split('\n')[0] + '\n');
    expect(await verifyRun(dir)).toEqual({ completed: 2, found: 2 });
  });
});
