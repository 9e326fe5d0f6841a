/**
 * Reported losses on fixed seeds, recorded (dense VAE / AE, real MNIST) from the implementation as
 * it was when test/lib/golden-losses.test.ts was written. wasm and cpu reproduce them to about
 * 1e-7; any speed change, and any other backend, is checked against them.
 */
import { loadMnist } from '../../data/mnist.ts';
import { createAutoencoder } from '../../models/autoencoder.ts';
import { createVae } from '../../models/vae.ts';
import { createRng } from '../../lib/rng.ts';
import { evaluate, fit } from '../../lib/train.ts';

export const RECORDED = {
  vae: { epochs: [515.2494140625, 399.318310546875], test: 334.8517578125 },
  ae: { epochs: [515.408251953125, 358.0331298828125], test: 266.1601953125 },
};

/** The golden run on the active backend: two epochs on 640 images, then the test loss on 200, as relative differences from RECORDED. */
export async function goldenDifferences(name: keyof typeof RECORDED): Promise<number[]> {
  const { train, test } = await loadMnist({ trainSize: 640, testSize: 200 });
  const model = (name === 'vae' ? createVae : createAutoencoder)({ seed: 7 });
  const r = await fit({ model, data: train, epochs: 2, batchSize: 128, learningRate: 1e-3, rng: createRng(3, 1) });
  const e = await evaluate(model, test, 100, createRng(3, 2));
  model.dispose();
  return [...r.epochLosses.map((v, i) => v / RECORDED[name].epochs[i] - 1), e.total / RECORDED[name].test - 1];
}
