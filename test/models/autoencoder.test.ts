import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { createAutoencoder } from '../../models/autoencoder.ts';
import { loadMnist } from '../../data/mnist.ts';
import { createImageSet, range } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';
import type { ImageSet } from '../../data/images.ts';
import { createRng } from '../../lib/rng.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { expectLearnsWithoutLeak, expectNoKl } from '../helpers/models.ts';

let train: ImageSet;
beforeAll(async () => {
  await useTestBackend();
  train = (await loadMnist({ trainSize: 256, testSize: 10 })).train;
});

describe('createAutoencoder (dense, 784-400-20-400-784)', () => {
  it('learns to reconstruct, with no tensor leak per step and no KL term', () => {
    const m = createAutoencoder({ seed: 1 });
    expect(m.kind).toBe('ae');
    const x = toFloatBatch(train, range(128), true);
    expectLearnsWithoutLeak(m, x, { lr: 1e-3, steps: 40, factor: 0.6 });
    expectNoKl(m, x);
    tf.dispose(x);
    m.dispose();
  });

  it('fits a latent Gaussian whose draws match the codes mean and covariance', async () => {
    // Codes of a linear-ish encoder are easiest to check through sampleLatent itself.
    const m = createAutoencoder({ seed: 3, latentDim: 4, hidden: [16] });
    expect(() => m.sampleLatent(2, createRng(0))).toThrow(/call prepareSampling/);
    await m.prepareSampling(train, 100);
    const codes = m.encode(toFloatBatch(train, range(train.count), true));
    const draws = m.sampleLatent(20000, createRng(1));
    const stat = (t: tf.Tensor2D) => tf.tidy(() => {
      const mean = tf.mean(t, 0);
      const centered = tf.sub(t, mean);
      const cov = tf.div(tf.matMul(centered, centered, true, false), t.shape[0] - 1);
      return [Array.from(mean.dataSync()), Array.from(cov.dataSync())];
    });
    const [mc, cc] = stat(codes);
    const [md, cd] = stat(draws);
    const scale = Math.max(...cc.map(Math.abs));
    mc.forEach((v, i) => expect(Math.abs(md[i] - v)).toBeLessThan(0.05 * Math.sqrt(scale) + 1e-3));
    cc.forEach((v, i) => expect(Math.abs(cd[i] - v)).toBeLessThan(0.08 * scale));
    tf.dispose([codes, draws]);
    m.dispose();
  });

  it('samplingTemperature λ scales the fitted covariance by λ²: draws sit λ times as far from the mean', async () => {
    const plain = createAutoencoder({ seed: 3, latentDim: 4, hidden: [16] });
    const cool = createAutoencoder({ seed: 3, latentDim: 4, hidden: [16], samplingTemperature: 0.5 });
    await plain.prepareSampling(train, 100);
    await cool.prepareSampling(train, 100);
    const a = plain.sampleLatent(500, createRng(1));
    const b = cool.sampleLatent(500, createRng(1));
    // b - mu = 0.5 (a - mu) for every draw, so 2b - a is the fitted mean in every row: the codes' mean.
    const implied = tf.sub(tf.mul(2, b), a);
    const x = toFloatBatch(train, range(train.count), true);
    const codes = plain.encode(x);
    const mu = tf.mean(codes, 0).dataSync();
    const rows = implied.dataSync();
    for (let i = 0; i < rows.length; i++) expect(rows[i]).toBeCloseTo(mu[i % 4], 3);
    expect(cool.config.samplingTemperature).toBe(0.5);
    tf.dispose([a, b, implied, codes, x]);
    plain.dispose();
    cool.dispose();
  });

  it("'bernoulli' and 'threshold' decode the fitted Gaussian's draws into binary images ('threshold': the grey samples cut at 1/2)", async () => {
    const made: Record<string, ImageSet> = {};
    for (const sampling of ['latent-gaussian', 'bernoulli', 'threshold'] as const) {
      const m = createAutoencoder({ seed: 3, latentDim: 4, hidden: [16], sampling });
      await m.prepareSampling(train, 100);
      const before = tf.memory().numTensors;
      made[sampling] = await m.sample(20, createRng(5), train, 8);
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    }
    expect(new Set(made['latent-gaussian'].pixels).size).toBeGreaterThan(2);
    expect(made.bernoulli.pixels.every((p) => p === 0 || p === 255)).toBe(true);
    expect(Array.from(made.threshold.pixels)).toEqual(Array.from(made['latent-gaussian'].pixels, (p) => (p >= 128 ? 255 : 0)));
    expect(Array.from(made.bernoulli.pixels)).not.toEqual(Array.from(made.threshold.pixels));
  });

  it('samples by reconstruction: one output per requested image, cycling through the set', async () => {
    const m = createAutoencoder({ seed: 1, sampling: 'reconstruct' });
    const small = createImageSet(train.pixels.slice(0, 784 * 5), [28, 28, 1]);
    const before = tf.memory().numTensors;
    const s = await m.sample(12, createRng(0), small, 4);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.count).toBe(12);
    m.dispose();
  });
});

describe('sampling temperature range', () => {
  for (const t of [1e308, 1e-320]) {
    it(`refuses ${t}, whose float32 draws would make every sample the same image`, () => {
      expect(() => createAutoencoder({ seed: 1, latentDim: 2, hidden: [8], samplingTemperature: t })).toThrow(`samplingTemperature ${t} is outside [1e-30, 1e+30]`);
    });
  }
});
