/**
 * The GPU code path: the library on WebGPU. It runs wherever Dawn finds an adapter, a software one
 * included (lavapipe here: slow, so everything is tiny), and skips with one sentence otherwise.
 */
import * as tf from '../../lib/tfjs.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import type { ImageSet } from '../../data/images.ts';
import { createConvVae } from '../../models/conv-vae.ts';
import { createCollapseAnalysis } from '../../lib/analysis.ts';
import { initBackend } from '../../lib/backend.ts';
import { isSoftwareAdapter } from '../../lib/backend-webgpu.ts';
import { trainGenerations } from '../../lib/generations.ts';
import { trainClassifier } from '../../lib/metrics/classifier.ts';
import type { Classifier } from '../../lib/metrics/classifier.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { webgpuForTests } from '../helpers/backend.ts';
import { goldenDifferences } from '../helpers/golden.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

// Each test may take minutes on a software adapter of a loaded machine: no limit a slow run can hit.
const SLOW = 60 * 60 * 1000;

describe('isSoftwareAdapter', () => {
  it("trusts WebGPU's isFallbackAdapter", () => {
    expect(isSoftwareAdapter({ vendor: 'x', description: 'y' }, true)).toBe(true);
  });
  it('recognises lavapipe, SwiftShader and WARP by name when the flag is not set', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true);
  });
  it('takes real GPUs for hardware', () => {
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3090' }, false)).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900 XTX (RADV NAVI31)' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Mesa Intel(R) UHD Graphics 770 (ADL-S GT1)' })).toBe(false);
  });
});

const gpu = await webgpuForTests();

describe.skipIf(!gpu.ok)(`on WebGPU${gpu.ok ? '' : ` (${gpu.skip})`}`, () => {
  let data: { train: ImageSet; test: ImageSet };
  let classifier: Classifier;
  beforeAll(async () => {
    await initBackend('webgpu');
    data = await tinyMnist(200, 100);
  }, SLOW);
  afterAll(() => classifier?.dispose());

  for (const name of ['vae', 'ae'] as const) {
    it(`${name}: the golden losses equal wasm's within 1e-4 relative`, async () => {
      await initBackend('webgpu');
      const differences = await goldenDifferences(name);
      expect(tf.getBackend()).toBe('webgpu');
      for (const d of differences) expect(Math.abs(d)).toBeLessThan(1e-4);
    }, SLOW);
  }

  it("a conv VAE step on a tiny batch: the same losses as wasm's, and no tensor left behind", async () => {
    const steps = async (backend: 'wasm' | 'webgpu') => {
      await initBackend(backend);
      const m = createConvVae({ imageShape: [28, 28, 1], channels: [8, 16], latentDim: 4, seed: 3 });
      const x = toFloatBatch(data.train, range(4), false);
      const opt = tf.train.adam(1e-3);
      const before = tf.memory().numTensors;
      const losses: number[] = [];
      // The second step's loss is computed with the weights the first step's gradients moved.
      for (let s = 0; s < 2; s++) {
        const l = m.trainStep(x, opt, s);
        losses.push((await l.data())[0]);
        l.dispose();
      }
      const leaked = tf.memory().numTensors - before;
      tf.dispose(x);
      opt.dispose();
      m.dispose();
      return { losses, leaked };
    };
    const wasm = await steps('wasm');
    const webgpu = await steps('webgpu');
    expect(webgpu.leaked).toBe(wasm.leaked);
    webgpu.losses.forEach((v, i) => expect(Math.abs(v / wasm.losses[i] - 1)).toBeLessThan(1e-4));
    expect(webgpu.losses[1]).not.toBe(webgpu.losses[0]);
  }, SLOW);

  it('trains generations with a run directory, grids and metrics: no synchronous device read, the tensor count flat, the adapter in run.json', async () => {
    await initBackend('webgpu');
    classifier = await trainClassifier({ hidden: [32, 8], epochs: 1, batchSize: 50, maxShift: 0, ...data });
    const analysis = createCollapseAnalysis({ model: tinyVae, classifier: async () => ({ ...classifier, dispose: () => {} }), metricSamples: 60, fixedDraws: 20, batchSize: 40 });
    const dir = join(await tempDir(), 'run');
    // Every read of the device goes through the backend's read() or readSync(): count the synchronous
    // ones, wherever they come from (our code, tfjs-layers, tf.io), as a GPU would feel them.
    const backend = tf.backend() as unknown as { readSync(dataId: object): unknown };
    const readSync = backend.readSync;
    const syncReads: string[] = [];
    backend.readSync = function (this: unknown, dataId: object) {
      syncReads.push(new Error().stack?.split('\n').slice(2, 8).join('\n') ?? '');
      return readSync.call(this, dataId);
    };
    let records;
    try {
      records = await trainGenerations({
        model: tinyVae, data, scheme: parseScheme('accumulate'), generations: 3, epochs: 1, batchSize: 50, evalBatchSize: 100, seed: 4,
        runDir: dir, analyze: analysis.analyze, backend: 'webgpu',
      });
    } finally {
      backend.readSync = readSync;
      analysis.dispose();
    }
    expect(syncReads).toEqual([]);
    expect(records.map((r) => r.generation)).toEqual([1, 2, 3]);
    expect(new Set(records.map((r) => r.numTensors)).size).toBe(1);
    for (const r of records) {
      expect(Number.isFinite(r.testLoss)).toBe(true);
      expect(Number.isFinite(r.fid)).toBe(true);
    }
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(run.backend).toMatchObject({ name: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', adapter: { vendor: expect.any(String), description: expect.any(String), software: expect.any(Boolean) } });
  }, SLOW);
});
