import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { trainGenerations } from '../../lib/generations.ts';
import type { GenerationsOptions } from '../../lib/resolve.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { loadNetwork, loadSynthetic } from '../../lib/run/run-dir.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyAe, tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist();
  root = await tempDir();
});

const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae, data, scheme: parseScheme('accumulate'), generations: 3, epochs: 1, batchSize: 50, evalBatchSize: 100, seed: 11, ...over,
});

describe('trainGenerations', () => {
  it('trains generation 1 on real data, grows the pool under accumulate, and keeps the tensor count flat', async () => {
    const seen: number[] = [];
    const records = await trainGenerations(base({ generations: 4, onGenerationEnd: (r) => { seen.push(r.generation); } }));
    expect(records.map((r) => r.generation)).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(records.map((r) => r.trainSize)).toEqual([200, 400, 600, 800]);
    expect(records.map((r) => r.realFraction)).toEqual([1, 0.5, 1 / 3, 0.25]);
    expect(new Set(records.map((r) => r.numTensors)).size).toBe(1);
    for (const r of records) {
      expect(Number.isFinite(r.testLoss)).toBe(true);
      expect(r.testLoss).toBeCloseTo(r.testRecon + r.testKl, 2);
      expect(r.epochLosses).toHaveLength(1);
    }
  });

  it('replace trains every later generation on the last samples only', async () => {
    const records = await trainGenerations(base({ scheme: parseScheme('replace'), syntheticSize: 150 }));
    expect(records.map((r) => r.trainSize)).toEqual([200, 150, 150]);
    expect(records.map((r) => r.realFraction)).toEqual([1, 0, 0]);
  });

  it('gives the same numbers for the same seed and other numbers for another seed', async () => {
    const strip = (rs: { testLoss: number; trainLoss: number }[]) => rs.map((r) => [r.trainLoss, r.testLoss]);
    const a = strip(await trainGenerations(base({ generations: 2 })));
    expect(strip(await trainGenerations(base({ generations: 2 })))).toEqual(a);
    expect(strip(await trainGenerations(base({ generations: 2, seed: 12 })))).not.toEqual(a);
  });

  it('writes the run directory contract, with a model tf.loadLayersModel can read', async () => {
    const dir = join(root, 'contract');
    const records = await trainGenerations(base({ runDir: dir, model: tinyAe }));
    expect((await readdir(dir)).sort()).toEqual(['gen-001', 'gen-002', 'gen-003', 'generations.jsonl', 'run.json', 'timings.jsonl']);
    expect((await readdir(join(dir, 'gen-002'))).sort()).toEqual(['COMPLETE', 'manifest.json', 'model.json', 'record.json', 'samples.png', 'synthetic.json', 'synthetic.u8', 'weights.bin']);
    const lines = (await readFile(join(dir, 'generations.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.testLoss)).toEqual(records.map((r) => r.testLoss));
    expect(lines[0].seconds).toBeUndefined();
    const timings = (await readFile(join(dir, 'timings.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(timings[2].seconds).toBeGreaterThan(0);
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(run.config.model).toMatchObject({ kind: 'ae', hidden: [32], latentDim: 4 });
    expect(run.backend.name).toBe(tf.getBackend());
    const synthetic = await loadSynthetic(dir, 2);
    expect(synthetic.count).toBe(200);
    const net = await loadNetwork(dir, 3);
    expect(net.countParams()).toBe(784 * 32 + 32 + 32 * 4 + 4 + 4 * 32 + 32 + 32 * 784 + 784);
    net.dispose();
    const png = await readFile(join(dir, 'gen-001', 'samples.png'));
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  });

  it('resumes after an interruption and reaches the same generations.jsonl as an uninterrupted run', async () => {
    const whole = join(root, 'whole');
    const cut = join(root, 'cut');
    await trainGenerations(base({ runDir: whole, scheme: parseScheme('sub') }));
    const controller = new AbortController();
    await expect(
      trainGenerations(base({ runDir: cut, scheme: parseScheme('sub'), signal: controller.signal, onBatch: (c) => { if (c.generation === 3 && c.batch === 2) controller.abort(); } })),
    ).rejects.toThrow(/aborted/);
    expect((await readdir(cut)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002']);
    // Leftovers of a crash inside a save are cleaned up on resume.
    await mkdir(join(cut, 'gen-003.partial'));
    await writeFile(join(cut, 'gen-003.partial', 'weights.bin'), 'half');
    const resumed = await trainGenerations(base({ runDir: cut, scheme: parseScheme('sub'), resume: true }));
    expect(resumed.map((r) => r.generation)).toEqual([1, 2, 3]);
    expect(await readFile(join(cut, 'generations.jsonl'), 'utf8')).toBe(await readFile(join(whole, 'generations.jsonl'), 'utf8'));
    expect((await readdir(cut)).some((n) => n.includes('partial'))).toBe(false);
  });

  it('extends a finished run with more generations on --resume', async () => {
    const dir = join(root, 'extend');
    await trainGenerations(base({ runDir: dir, generations: 2 }));
    const more = await trainGenerations(base({ runDir: dir, generations: 3, resume: true }));
    const whole = await trainGenerations(base({ generations: 3 }));
    expect(more.map((r) => r.testLoss)).toEqual(whole.map((r) => r.testLoss));
  });

  it('refuses to overwrite a run, to resume another config, and replaces only with force', async () => {
    const dir = join(root, 'guard');
    await trainGenerations(base({ runDir: dir, generations: 1 }));
    const before = await readFile(join(dir, 'generations.jsonl'), 'utf8');
    await expect(trainGenerations(base({ runDir: dir, generations: 1 }))).rejects.toThrow(/already holds a run; expected resume: true to continue it or force: true to replace it/);
    await expect(trainGenerations(base({ runDir: dir, generations: 2, epochs: 2, resume: true }))).rejects.toThrow(/another configuration \(epochs was 1, now 2\)/);
    await expect(trainGenerations(base({ runDir: dir, generations: 2, seed: 3, resume: true }))).rejects.toThrow(/made with seed 11, not 3/);
    expect(await readFile(join(dir, 'generations.jsonl'), 'utf8')).toBe(before);
    await trainGenerations(base({ runDir: dir, generations: 1, force: true, seed: 4 }));
    expect(await readFile(join(dir, 'generations.jsonl'), 'utf8')).not.toBe(before);
  });

  it('refuses an analysis field that would overwrite one of the record\'s own, before the generation is written', async () => {
    const dir = join(root, 'clash');
    await expect(trainGenerations(base({ runDir: dir, analyze: async () => ({ fields: { extra: 1, trainSize: 0 } }) }))).rejects.toThrow(
      /The analyze hook returned the field 'trainSize', which is one of the record's own/,
    );
    // Only the epoch checkpoint of the training that was done; no generation folder.
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-'))).toEqual(['gen-001.epoch-0001']);
    const records = await trainGenerations(base({ generations: 1, analyze: async () => ({ fields: { extra: 1 } }) }));
    expect(records[0].extra).toBe(1);
  });

  it('stops on a non-finite loss, naming the generation, and keeps earlier generations', async () => {
    const dir = join(root, 'nan');
    let built = 0;
    const model: GenerationsOptions['model'] = (init) => {
      const m = tinyVae(init);
      built++;
      // The third model built is generation 2's (the first is a probe that describes the run).
      return built === 3 ? { ...m, trainStep: () => tf.scalar(Number.NaN) } : m;
    };
    await expect(trainGenerations(base({ runDir: dir, model }))).rejects.toThrow(/Generation 2: The training \(epoch 1\) loss is NaN.*Generations before 2 are kept/);
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-'))).toEqual(['gen-001']);
  });
});
