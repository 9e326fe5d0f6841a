import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { createVae } from '../../models/vae.ts';
import { loadMnist } from '../../data/mnist.ts';
import { range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import type { ImageSet } from '../../data/images.ts';
import { createRng } from '../../lib/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { expectLearnsWithoutLeak, firstLosses } from '../helpers/models.ts';

let train: ImageSet;
beforeAll(async () => {
  await useTestBackend();
  train = (await loadMnist({ trainSize: 256, testSize: 10 })).train;
});

describe('createVae (dense, 784-400-20-400-784)', () => {
  it('has the classic architecture and outputs of the right shapes', () => {
    const m = createVae({ seed: 1 });
    expect(m.network.countParams()).toBe(784 * 400 + 400 + 2 * (400 * 20 + 20) + 20 * 400 + 400 + 400 * 784 + 784);
    const x = toFloatBatch(train, range(8), true);
    const z = m.encode(x);
    const y = m.decode(z);
    expect(z.shape).toEqual([8, 20]);
    expect(y.shape).toEqual([8, 784]);
    const v = y.dataSync();
    expect(v.every((p) => p >= 0 && p <= 1)).toBe(true);
    tf.dispose([x, z, y]);
    m.dispose();
  });

  it('reports a loss near 784 ln 2 nats per image before training (logits near 0)', () => {
    const m = createVae({ seed: 1 });
    const x = toFloatBatch(train, range(64), true);
    const sums = m.lossSums(x, 3);
    const [total, recon, kl] = Array.from(sums.dataSync()).map((s) => s / 64);
    expect(total).toBeCloseTo(recon + kl, 3);
    expect(kl).toBeGreaterThanOrEqual(0);
    // Binary cross-entropy of p = 1/2 is ln 2 per pixel; random init moves it a little.
    expect(recon).toBeGreaterThan(0.8 * 784 * Math.LN2);
    expect(recon).toBeLessThan(1.3 * 784 * Math.LN2);
    tf.dispose([x, sums]);
    m.dispose();
  });

  it('learns: the loss falls over a few dozen steps, and no tensor leaks per step', () => {
    const m = createVae({ seed: 2 });
    const x = toFloatBatch(train, range(128), true);
    expectLearnsWithoutLeak(m, x, { lr: 1e-3, steps: 40, factor: 0.6 });
    tf.dispose(x);
    m.dispose();
  });

  it('is repeatable: the same seeds give the same weights and losses', () => {
    const x = toFloatBatch(train, range(32), true);
    expect(firstLosses(() => createVae({ seed: 5 }), x)).toEqual(firstLosses(() => createVae({ seed: 5 }), x));
    tf.dispose(x);
  });

  it('samples uint8 images from the prior, as probabilities or as Bernoulli draws', async () => {
    for (const sampling of ['mean', 'bernoulli'] as const) {
      const m = createVae({ seed: 1, sampling });
      const before = tf.memory().numTensors;
      const s = await m.sample(30, createRng(1), train, 16);
      expect(tf.memory().numTensors).toBe(before);
      expect(s.count).toBe(30);
      expect(s.shape).toEqual([28, 28, 1]);
      expect(s.pixels).toBeInstanceOf(Uint8Array);
      if (sampling === 'bernoulli') expect(s.pixels.every((p) => p === 0 || p === 255)).toBe(true);
      else expect(new Set(s.pixels).size).toBeGreaterThan(2);
      const again = await m.sample(30, createRng(1), train, 16);
      expect(Array.from(again.pixels)).toEqual(Array.from(s.pixels));
      m.dispose();
    }
  });

  it("'threshold' samples the binary image the decoded probabilities round to: 'mean' samples cut at 1/2", async () => {
    const grey = createVae({ seed: 4, sampling: 'mean' });
    const binary = createVae({ seed: 4, sampling: 'threshold' });
    const before = tf.memory().numTensors;
    const g = await grey.sample(20, createRng(2), train, 8);
    const b = await binary.sample(20, createRng(2), train, 8);
    expect(tf.memory().numTensors).toBe(before);
    expect(b.pixels.every((p) => p === 0 || p === 255)).toBe(true);
    // round(255 p) >= 128 exactly when p >= 1/2.
    expect(Array.from(b.pixels)).toEqual(Array.from(g.pixels, (p) => (p >= 128 ? 255 : 0)));
    expect(binary.config.sampling).toBe('threshold');
    grey.dispose();
    binary.dispose();
  });

  it('samplingTemperature λ draws z ~ N(0, λ²I): the same base draws times λ, recorded in the config when not 1', () => {
    const plain = createVae({ seed: 1 });
    const cool = createVae({ seed: 1, samplingTemperature: 0.5 });
    const z1 = plain.sampleLatent(50, createRng(3));
    const z2 = cool.sampleLatent(50, createRng(3));
    const a = z1.dataSync();
    const b = z2.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(0.5 * a[i], 6);
    expect(plain.config.samplingTemperature).toBeUndefined();
    expect(cool.config.samplingTemperature).toBe(0.5);
    tf.dispose([z1, z2]);
    plain.dispose();
    cool.dispose();
  });

  it('rejects bad options with a clear sentence', () => {
    expect(() => createVae({ latentDim: 0 })).toThrow(/latentDim 0 must be a positive integer/);
    expect(() => createVae({ hidden: [400, -1] })).toThrow(/hidden sizes \[400,-1\] must be positive integers/);
    expect(() => createVae({ sampling: 'reconstruct' as 'mean' })).toThrow(/expected 'mean', 'bernoulli' or 'threshold'/);
    expect(() => createVae({ samplingTemperature: 0 })).toThrow(/samplingTemperature 0 is not valid; expected a positive number/);
    expect(() => createVae({ samplingTemperature: Number.NaN })).toThrow(/samplingTemperature NaN is not valid/);
  });
});
