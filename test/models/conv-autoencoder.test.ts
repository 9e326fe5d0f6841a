import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { createConvAutoencoder } from '../../models/conv-autoencoder.ts';
import { createImageSet, range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import type { ImageSet } from '../../data/images.ts';
import { loadNetworkFrom as loadNetwork, saveNetwork } from '../../lib/run/network-io.ts';
import { createRng } from '../../lib/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { expectLearnsWithoutLeak, expectNoKl } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

let colour: ImageSet;
beforeAll(async () => {
  await useTestBackend();
  // 16x16 RGB images: a bright square at a random place on a dark background.
  const rng = createRng(8);
  const px = new Uint8Array(48 * 16 * 16 * 3);
  for (let i = 0; i < 48; i++) {
    const r = rng.int(10);
    const c = rng.int(10);
    for (let y = r; y < r + 6; y++) for (let x = c; x < c + 6; x++) px.set([40 + i, 200, 220], ((i * 16 + y) * 16 + x) * 3);
  }
  colour = createImageSet(px, [16, 16, 3]);
});

const tiny = (seed: number, sampling?: 'latent-gaussian' | 'reconstruct') =>
  createConvAutoencoder({ imageShape: [16, 16, 3], channels: [8, 16], latentDim: 4, sampling, seed });

describe('createConvAutoencoder', () => {
  it('MNIST preset: two 4x4 stride-2 convs of 64 and 128 channels and a 20-d code', () => {
    const m = createConvAutoencoder({ imageShape: [28, 28, 1], seed: 1 });
    expect(m.kind).toBe('ae');
    expect(m.config).toMatchObject({ kind: 'ae', arch: 'conv', channels: [64, 128], latentDim: 20 });
    const [code, logits] = m.network.outputs.map((o) => o.shape);
    expect(code).toEqual([null, 20]);
    expect(logits).toEqual([null, 28, 28, 1]);
    m.dispose();
  });

  it('learns to reconstruct, with no tensor leak per step and no KL term', () => {
    const m = tiny(1);
    const x = toFloatBatch(colour, range(32), false);
    expectLearnsWithoutLeak(m, x, { lr: 3e-3, steps: 30, factor: 0.75 });
    expectNoKl(m, x);
    tf.dispose(x);
    m.dispose();
  });

  it('samples from a Gaussian fitted to its codes, or by reconstructing training images', async () => {
    for (const sampling of ['latent-gaussian', 'reconstruct'] as const) {
      const m = tiny(2, sampling);
      if (sampling === 'latent-gaussian') expect(() => m.sampleLatent(2, createRng(0))).toThrow(/call prepareSampling/);
      await m.prepareSampling(colour, 16);
      const before = tf.memory().numTensors;
      const s = await m.sample(20, createRng(1), colour, 8);
      expect(tf.memory().numTensors).toBe(before);
      expect(s.count).toBe(20);
      expect(s.shape).toEqual([16, 16, 3]);
      expect(Array.from((await m.sample(20, createRng(1), colour, 8)).pixels)).toEqual(Array.from(s.pixels));
      m.dispose();
    }
  });

  it('saves as one LayersModel that reloads with the same outputs', async () => {
    const m = tiny(3);
    const x = toFloatBatch(colour, range(4), false);
    const dir = await tempDir();
    await saveNetwork(m.network, dir);
    const loaded = await loadNetwork(dir);
    const ours = m.network.predict(x) as tf.Tensor[];
    const theirs = loaded.predict(x) as tf.Tensor[];
    ours.forEach((t, i) => expect(tf.tidy(() => tf.max(tf.abs(tf.sub(t, theirs[i]))).dataSync()[0])).toBe(0));
    tf.dispose([x, ...ours, ...theirs]);
    loaded.dispose();
    m.dispose();
  });

  it('rejects bad options with a clear sentence', () => {
    expect(() => createConvAutoencoder({ imageShape: [16, 16, 3], sampling: 'mean' as 'reconstruct' })).toThrow(/expected 'latent-gaussian', 'reconstruct', 'bernoulli' or 'threshold'/);
    expect(() => createConvAutoencoder({ imageShape: [16, 16, 3], kernelSize: 0 })).toThrow(/kernelSize 0 must be a positive integer/);
  });
});
