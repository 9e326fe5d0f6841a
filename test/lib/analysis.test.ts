import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet } from '../../data/images.ts';
import { createAutoencoder } from '../../models/autoencoder.ts';
import { createCollapseAnalysis, decodeFixedDraws, tenDigits } from '../../lib/analysis.ts';
import type { AnalysisInfo } from '../../lib/analysis.ts';
import { trainGenerations } from '../../lib/generations.ts';
import type { GenerationsOptions } from '../../lib/resolve.ts';
import { trainClassifier } from '../../lib/metrics/classifier.ts';
import type { Classifier } from '../../lib/metrics/classifier.ts';
import { createRng } from '../../lib/rng.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
let classifier: Classifier;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(200, 100);
  root = await tempDir();
  // A tiny classifier stands in for the cached MNIST one (trained in the scripts, not in tests).
  classifier = await trainClassifier({ hidden: [32, 8], epochs: 1, batchSize: 50, maxShift: 0, ...data });
});
afterAll(() => classifier.dispose());

/** The analysis with the shared tiny classifier; its dispose must not free the shared one. */
const analysis = (over: Parameters<typeof createCollapseAnalysis>[0] | object = {}) =>
  createCollapseAnalysis({ model: tinyVae, classifier: async () => ({ ...classifier, dispose: () => {} }), metricSamples: 60, fixedDraws: 20, batchSize: 40, ...over });

const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae, data, scheme: parseScheme('replace'), generations: 3, epochs: 1, batchSize: 50, evalBatchSize: 100, syntheticSize: 100, seed: 7, ...over,
});

describe('createCollapseAnalysis', () => {
  it('gives FID 0 and precision = recall = 1 when the samples are the real test images', async () => {
    const a = analysis({ metricSamples: 100 });
    const model = tinyVae({ seed: 1 });
    const r = await a.analyze({ generation: 1, model, samples: data.test, trainSet: data.train, data, rng: createRng(0) });
    expect(r.fields!.fid).toBeCloseTo(0, 6);
    expect(r.fields!.precision).toBe(1);
    expect(r.fields!.recall).toBe(1);
    expect((r.fields!.classHistogram as number[]).reduce((s, c) => s + c, 0)).toBe(100);
    expect(r.fields!.metricSamples).toBe(100);
    a.dispose();
    model.dispose();
  });

  it('adds the metrics to every record, writes the grids, and keeps the tensor count flat', async () => {
    const before = tf.memory().numTensors;
    const a = analysis();
    const dir = join(root, 'run');
    const records = await trainGenerations(base({ runDir: dir, analyze: a.analyze }));
    for (const r of records) {
      for (const f of ['fid', 'classEntropy', 'precision', 'recall', 'latentStd']) expect(Number.isFinite(r[f])).toBe(true);
      expect((r.classHistogram as number[]).reduce((s, c) => s + c, 0)).toBe(60);
      expect(r.classEntropy as number).toBeLessThanOrEqual(Math.log(10) + 1e-12);
    }
    expect(new Set(records.map((r) => r.numTensors)).size).toBe(1);
    const files = (await readdir(join(dir, 'gen-002'))).sort();
    expect(files).toEqual(expect.arrayContaining(['analysis.json', 'fixed-samples.png', 'fixed-samples.u8', 'reconstructions.png', 'reconstructions.u8']));
    const info = JSON.parse(await readFile(join(dir, 'gen-002', 'analysis.json'), 'utf8')) as AnalysisInfo;
    expect(info.reconstructions.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(info.fixedSamples).toEqual({ count: 20, seed: 0 });
    expect((await readFile(join(dir, 'gen-002', 'fixed-samples.u8'))).length).toBe(20 * 784);
    expect((await readFile(join(dir, 'gen-002', 'reconstructions.u8'))).length).toBe(2 * 10 * 784);
    expect(info.metrics!.baseline.precision).toBeGreaterThan(0);
    expect(info.metrics!.baseline.latentStd).toBeGreaterThan(0);
    // 60 samples measured; FID against all 100 test images, precision and recall against the first 60.
    expect(info.metrics!.samples).toBe(60);
    expect(info.metrics!.real).toEqual({ fid: 100, manifold: 60 });
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('measures latentStd under generation 1 of the same run after a resume', async () => {
    const whole = await trainGenerations(base({ runDir: join(root, 'whole'), analyze: analysis().analyze }));
    const cut = join(root, 'cut');
    await trainGenerations(base({ runDir: cut, generations: 2, analyze: analysis().analyze }));
    // A fresh analysis, as after a restart: generation 1's encoder comes from cut/gen-001.
    const fresh = analysis();
    const resumed = await trainGenerations(base({ runDir: cut, resume: true, analyze: fresh.analyze }));
    expect(resumed[2].latentStd).toBe(whole[2].latentStd);
    expect(resumed[2].fid).toBe(whole[2].fid);
    fresh.dispose();
  });

  it('decodes the same draws every time, and skips them for a model that cannot draw latents', async () => {
    const vae = tinyVae({ seed: 3 });
    expect((await decodeFixedDraws(vae, 5, 1))!.pixels).toEqual((await decodeFixedDraws(vae, 5, 1))!.pixels);
    expect((await decodeFixedDraws(vae, 5, 2))!.pixels).not.toEqual((await decodeFixedDraws(vae, 5, 1))!.pixels);
    const ae = createAutoencoder({ hidden: [16], latentDim: 3, sampling: 'reconstruct' });
    expect(await decodeFixedDraws(ae, 5, 1)).toBeNull();
    vae.dispose();
    ae.dispose();
  });

  it('picks the first test digit of each class', () => {
    const { indices, labels } = tenDigits(data.test);
    const truth = data.test.labels!;
    expect(labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    indices.forEach((i, c) => {
      expect(truth[i]).toBe(c);
      for (let j = 0; j < i; j++) expect(truth[j]).not.toBe(c);
    });
  });

  it('with metrics off writes only the grids', async () => {
    const a = analysis({ metrics: false, classifier: async () => { throw new Error('not needed'); } });
    const records = await trainGenerations(base({ generations: 1, analyze: a.analyze }));
    expect(records[0].fid).toBeUndefined();
    a.dispose();
  });
});
