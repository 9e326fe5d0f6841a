import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { trainGenerations } from '../../lib/generations.ts';
import type { GenerationsOptions } from '../../lib/resolve.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { loadNetwork, loadSynthetic } from '../../lib/run/run-dir.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyAe, tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { loadMnist } from '../../data/mnist.ts';
import { takeFirst } from '../../data/images.ts';
import { createVae } from '../../models/vae.ts';
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
    // The per-source losses: real images in every generation, synthetic ones from generation 2 on.
    expect(records[0].trainLossSynthetic).toBeUndefined();
    for (const r of records) expect(r.trainLossReal).toBeGreaterThan(0);
    for (const r of records.slice(1)) expect(r.trainLossSynthetic).toBeGreaterThan(0);
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
    expect(records.map((r) => r.trainLossReal === undefined)).toEqual([false, true, true]);
    expect(records.map((r) => r.trainLossSynthetic === undefined)).toEqual([true, false, false]);
  });

  it('fresh trains later generations on new real images from data.freshPool plus the last samples, and checks the pool up front', async () => {
    const { train, test, rest } = await loadMnist({ trainSize: 200, testSize: 100, rest: true });
    const dir = join(root, 'fresh');
    const records = await trainGenerations(base({ data: { train, test, freshPool: rest }, scheme: parseScheme('fresh', { freshSize: 100 }), syntheticSize: 100, runDir: dir }));
    expect(records.map((r) => r.scheme)).toEqual(['fresh-100', 'fresh-100', 'fresh-100']);
    expect(records.map((r) => r.trainSize)).toEqual([200, 200, 200]);
    expect(records.map((r) => r.realFraction)).toEqual([1, 0.5, 0.5]);
    for (const r of records.slice(1)) expect([r.trainLossReal, r.trainLossSynthetic].every((v) => typeof v === 'number' && v > 0)).toBe(true);
    expect(new Set(records.map((r) => r.numTensors)).size).toBe(1);
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).config).toMatchObject({ scheme: 'fresh-100', trainSize: 200, freshPoolSize: 59800 });
    const small = join(root, 'fresh-small');
    await expect(trainGenerations(base({ data: { train, test, freshPool: takeFirst(rest!, 150) }, scheme: parseScheme('fresh', { freshSize: 100 }), runDir: small }))).rejects.toThrow(
      /Scheme fresh-100 needs 100 new real images in each of generations 2 to 3 \(200 in all\) but only 150 real images are left for it .*; expected a freshSize of at most 75, or at most 2 generations\./,
    );
    await expect(trainGenerations(base({ scheme: parseScheme('fresh', { freshSize: 100 }), runDir: small }))).rejects.toThrow(/Scheme fresh-100 draws new real images from data.freshPool, which is undefined/);
    await expect(readdir(small)).rejects.toThrow(/ENOENT/);
  });

  it('samplingTemperature changes the samples and so generation 2, is in run.json, and a resume with another one is refused', async () => {
    const cool: GenerationsOptions['model'] = (init) => createVae({ hidden: [32], latentDim: 4, samplingTemperature: 0.5, seed: init.seed });
    const dir = join(root, 'cool');
    const plain = await trainGenerations(base({ generations: 2 }));
    const cooled = await trainGenerations(base({ generations: 2, model: cool, runDir: dir }));
    expect(cooled[0].testLoss).toBe(plain[0].testLoss);
    expect(cooled[1].testLoss).not.toBe(plain[1].testLoss);
    expect(cooled[1].trainLossSynthetic).not.toBe(plain[1].trainLossSynthetic);
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).config.model.samplingTemperature).toBe(0.5);
    await expect(trainGenerations(base({ generations: 3, runDir: dir, resume: true }))).rejects.toThrow(/another configuration \(model was .*"samplingTemperature":0\.5/);
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
    expect((await readdir(dir)).sort()).toEqual(['gen-001', 'gen-002', 'gen-003', 'generations.jsonl', 'run.json', 'steps.jsonl', 'timings.jsonl']);
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
