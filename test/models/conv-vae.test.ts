import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { createConvVae, CONV_CELEBA, CONV_MNIST, convPresetFor } from '../../models/conv-vae.ts';
import { loadMnist } from '../../data/mnist.ts';
import { createImageSet, range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import type { ImageSet } from '../../data/images.ts';
import { loadNetworkFrom as loadNetwork, saveNetwork } from '../../lib/run/network-io.ts';
import { createRng } from '../../lib/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { expectLearnsWithoutLeak, firstLosses } from '../helpers/models.ts';
import { tempDir } from '../helpers/tmp.ts';

let mnist: ImageSet;
let colour: ImageSet;
beforeAll(async () => {
  await useTestBackend();
  mnist = (await loadMnist({ trainSize: 64, testSize: 10 })).train;
  // 16x16 RGB images: a bright square at a random place on a dark background.
  const rng = createRng(7);
  const px = new Uint8Array(48 * 16 * 16 * 3);
  for (let i = 0; i < 48; i++) {
    const r = rng.int(10);
    const c = rng.int(10);
    for (let y = r; y < r + 6; y++) for (let x = c; x < c + 6; x++) px.set([230, 180, 40 + i], ((i * 16 + y) * 16 + x) * 3);
  }
  colour = createImageSet(px, [16, 16, 3]);
});

const tiny = (seed: number) => createConvVae({ imageShape: [16, 16, 3], channels: [8, 16], latentDim: 4, seed });

describe('createConvVae', () => {
  it("MNIST preset: Shumailov et al.'s two 4x4 stride-2 convs of 64 and 128 channels, latent 20", () => {
    expect(convPresetFor([28, 28, 1])).toEqual({ ...CONV_MNIST, imageShape: [28, 28, 1] });
    const m = createConvVae({ imageShape: [28, 28, 1], seed: 1 });
    const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
    const encoder = conv(4, 1, 64) + conv(4, 64, 128);
    const heads = 2 * (7 * 7 * 128 * 20 + 20);
    const decoder = 20 * 7 * 7 * 128 + 7 * 7 * 128 + conv(4, 128, 64) + conv(4, 64, 1);
    expect(m.network.countParams()).toBe(encoder + heads + decoder);
    expect(m.flatInput).toBe(false);
    expect(m.config).toMatchObject({ kind: 'vae', arch: 'conv', channels: [64, 128], kernelSize: 4, latentDim: 20 });
    const x = toFloatBatch(mnist, range(4), false);
    const z = m.encode(x);
    const y = m.decode(z);
    expect(z.shape).toEqual([4, 20]);
    expect(y.shape).toEqual([4, 28, 28, 1]);
    expect(y.dataSync().every((p) => p >= 0 && p <= 1)).toBe(true);
    tf.dispose([x, z, y]);
    m.dispose();
  });

  it('CelebA preset: 64x64x3 through four stride-2 convs to a 4x4x256 map and a 128-d latent', () => {
    expect(convPresetFor([64, 64, 3])).toEqual({ ...CONV_CELEBA });
    expect(convPresetFor([32, 32, 3]).channels).toEqual([32, 64, 128]);
    const m = createConvVae({ seed: 1 });
    expect(m.imageShape).toEqual([64, 64, 3]);
    expect(m.latentDim).toBe(128);
    const [mu, logVar, logits] = m.network.outputs.map((o) => o.shape);
    expect(mu).toEqual([null, 128]);
    expect(logVar).toEqual([null, 128]);
    expect(logits).toEqual([null, 64, 64, 3]);
    m.dispose();
  });

  it('reports a loss near h*w*c ln 2 nats per image before training', () => {
    const m = tiny(1);
    const x = toFloatBatch(colour, range(16), false);
    const sums = m.lossSums(x, 3);
    const [total, recon, kl] = Array.from(sums.dataSync()).map((s) => s / 16);
    expect(total).toBeCloseTo(recon + kl, 2);
    expect(kl).toBeGreaterThanOrEqual(0);
    expect(recon).toBeGreaterThan(0.7 * 768 * Math.LN2);
    expect(recon).toBeLessThan(1.3 * 768 * Math.LN2);
    tf.dispose([x, sums]);
    m.dispose();
  });

  it('learns: the loss falls over a few dozen steps, and no tensor leaks per step', () => {
    const m = tiny(2);
    const x = toFloatBatch(colour, range(32), false);
    expectLearnsWithoutLeak(m, x, { lr: 3e-3, steps: 30, factor: 0.75 });
    tf.dispose(x);
    m.dispose();
  });

  it('is repeatable: the same seeds give the same weights and losses', () => {
    const x = toFloatBatch(colour, range(8), false);
    expect(firstLosses(() => tiny(5), x)).toEqual(firstLosses(() => tiny(5), x));
    tf.dispose(x);
  });

  it('samples uint8 images of its shape, the same for the same stream', async () => {
    for (const sampling of ['mean', 'bernoulli'] as const) {
      const m = createConvVae({ imageShape: [16, 16, 3], channels: [8, 16], latentDim: 4, sampling, seed: 1 });
      const before = tf.memory().numTensors;
      const s = await m.sample(10, createRng(1), colour, 4);
      expect(tf.memory().numTensors).toBe(before);
      expect(s.count).toBe(10);
      expect(s.shape).toEqual([16, 16, 3]);
      if (sampling === 'bernoulli') expect(s.pixels.every((p) => p === 0 || p === 255)).toBe(true);
      expect(Array.from((await m.sample(10, createRng(1), colour, 4)).pixels)).toEqual(Array.from(s.pixels));
      m.dispose();
    }
  });

  it('is one LayersModel holding every weight: saved and reloaded, it gives the same outputs', async () => {
    const m = tiny(3);
    const opt = tf.train.adam(1e-2);
    const x = toFloatBatch(colour, range(8), false);
    m.trainStep(x, opt, 0).dispose(); // weights away from their initial values
    const dir = await tempDir();
    await saveNetwork(m.network, dir);
    const loaded = await loadNetwork(dir);
    expect(loaded.countParams()).toBe(m.network.countParams());
    const ours = m.network.predict(x) as tf.Tensor[];
    const theirs = loaded.predict(x) as tf.Tensor[];
    ours.forEach((t, i) => expect(maxAbs(t, theirs[i])).toBe(0));
    // The saved network's logits are exactly what the model decodes from the posterior mean.
    const z = m.encode(x);
    const decoded = m.decode(z);
    const fromNetwork = tf.sigmoid(ours[2]);
    expect(maxAbs(decoded, fromNetwork)).toBeLessThan(1e-6);
    tf.dispose([x, z, decoded, fromNetwork, ...ours, ...theirs]);
    loaded.dispose();
    opt.dispose();
    m.dispose();
  });

  it('rejects bad options with a clear sentence', () => {
    expect(() => createConvVae({ imageShape: [30, 30, 3], channels: [8, 16] })).toThrow(/a 30x30 image cannot pass 2 stride-2 layers and back; expected height and width divisible by 4/);
    expect(() => createConvVae({ imageShape: [16, 16, 3], channels: [] })).toThrow(/channels \[\] must be one or more positive integers/);
    expect(() => createConvVae({ imageShape: [16, 16, 3], channels: [8], latentDim: 0 })).toThrow(/latentDim 0 must be a positive integer/);
    expect(() => createConvVae({ imageShape: [16, 16, 3], sampling: 'reconstruct' as 'mean' })).toThrow(/expected 'mean', 'bernoulli' or 'threshold'/);
  });
});

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
