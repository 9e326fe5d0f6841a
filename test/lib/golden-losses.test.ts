/**
 * The losses the trainer reports must not move when the training step is made faster: these
 * numbers were recorded (dense VAE / AE, real MNIST, fixed seeds) from the implementation as it was
 * when this test was written, and any later speed change must reproduce them. The wasm and cpu
 * backends agree with them to about 1e-7.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../data/mnist.ts';
import type { ImageSet } from '../../data/images.ts';
import { createAutoencoder } from '../../models/autoencoder.ts';
import { createVae } from '../../models/vae.ts';
import { createRng } from '../../lib/rng.ts';
import { evaluate, fit } from '../../lib/train.ts';
import { useTestBackend } from '../helpers/backend.ts';

const RECORDED = {
  vae: { epochs: [515.2494140625, 399.318310546875], test: 334.8517578125 },
  ae: { epochs: [515.408251953125, 358.0331298828125], test: 266.1601953125 },
};

let train: ImageSet;
let test: ImageSet;
beforeAll(async () => {
  await useTestBackend();
  ({ train, test } = await loadMnist({ trainSize: 640, testSize: 200 }));
});

describe('reported losses on fixed seeds', () => {
  for (const [name, create] of [['vae', createVae], ['ae', createAutoencoder]] as const) {
    it(`${name}: two epochs and the test loss match the recorded numbers`, async () => {
      const model = create({ seed: 7 });
      const r = await fit({ model, data: train, epochs: 2, batchSize: 128, learningRate: 1e-3, rng: createRng(3, 1) });
      const e = await evaluate(model, test, 100, createRng(3, 2));
      model.dispose();
      r.epochLosses.forEach((v, i) => expect(Math.abs(v / RECORDED[name].epochs[i] - 1)).toBeLessThan(1e-5));
      expect(Math.abs(e.total / RECORDED[name].test - 1)).toBeLessThan(1e-5);
    });
  }
});
