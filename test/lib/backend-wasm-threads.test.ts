import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { activeBackend, initBackend } from '../../lib/backend.ts';
import { createVae } from '../../models/vae.ts';

// Back to the one-thread build the other test files expect.
afterAll(async () => {
  await initBackend('wasm', { wasmThreads: 1 });
});

/** The dense VAE's weights after a few Adam steps on fixed random images, on wasm with `threads` threads. */
async function weightsAfterTraining(threads: number): Promise<Float32Array[]> {
  const info = await initBackend('wasm', { wasmThreads: threads });
  expect(info.threads ?? 1).toBe(threads);
  const model = createVae({ seed: 4, hidden: [64] });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([32, 784], 0, 1, 'float32', 5);
  try {
    for (let step = 0; step < 4; step++) model.trainStep(x, optimizer, step).dispose();
    return await Promise.all(model.network.getWeights().map(async (w) => (await w.data()) as Float32Array));
  } finally {
    x.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

describe('the multi-threaded wasm build', () => {
  it('trains to the same weights, bit for bit, with 2 threads as with 1', async () => {
    const one = await weightsAfterTraining(1);
    const two = await weightsAfterTraining(2);
    expect(activeBackend()?.threads).toBe(2);
    expect(two.map((w) => w.length)).toEqual(one.map((w) => w.length));
    expect(two.every((w, k) => w.every((v, i) => Object.is(v, one[k][i])))).toBe(true);
  });

  it('refuses a thread count that is not a positive integer, naming the option', async () => {
    await expect(initBackend('wasm', { wasmThreads: 0 })).rejects.toThrow(/wasmThreads/);
    await expect(initBackend('wasm', { wasmThreads: 1.5 })).rejects.toThrow(/wasmThreads/);
  });
});
