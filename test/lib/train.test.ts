import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { evaluate, fit, NonFiniteLossError } from '../../lib/train.ts';
import { createRng } from '../../lib/rng.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';

let train: ImageSet;
let test: ImageSet;
beforeAll(async () => {
  await useTestBackend();
  ({ train, test } = await tinyMnist());
});

describe('fit', () => {
  it('trains for the requested epochs, reports every batch, and leaks nothing', async () => {
    const model = tinyVae({ seed: 1 });
    const before = tf.memory().numTensors;
    const batches: number[] = [];
    const epochs: number[] = [];
    const result = await fit({
      model, data: train, epochs: 3, batchSize: 64, learningRate: 1e-3, rng: createRng(0, 1),
      onBatch: (c) => batches.push(c.images),
      onEpochEnd: (c) => { epochs.push(c.trainLoss); },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(batches.slice(0, 4)).toEqual([64, 128, 192, 200]);
    expect(batches.length).toBe(12);
    expect(result.epochLosses).toEqual(epochs);
    expect(result.trainLoss).toBe(epochs[2]);
    expect(epochs[2]).toBeLessThan(epochs[0]);
    model.dispose();
  });

  it('with steps, trains that many batches drawn from the whole set, split evenly over the epochs', async () => {
    const model = tinyVae({ seed: 1 });
    const perEpoch: number[] = [];
    const steps: number[] = [];
    const result = await fit({
      model, data: train, epochs: 3, steps: 7, batchSize: 16, learningRate: 1e-3, rng: createRng(0, 1),
      onBatch: (c) => { steps.push(c.step); if (c.batch === c.batches) perEpoch.push(c.batches); },
    });
    expect(perEpoch).toEqual([2, 2, 3]);
    // Steps count on across epochs of unequal length.
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(result.epochLosses).toHaveLength(3);
    await expect(fit({ model, data: train, epochs: 3, steps: 2, batchSize: 16, learningRate: 1e-3, rng: createRng(0, 1) })).rejects.toThrow('steps 2 is not valid; expected an integer of at least 3.');
    model.dispose();
  });

  it('gives onBatch the batch loss on every lossEvery-th step only, and none without lossEvery', async () => {
    const model = tinyVae({ seed: 1 });
    const before = tf.memory().numTensors;
    const seen: [number, number | undefined][] = [];
    const result = await fit({ model, data: train, epochs: 2, batchSize: 50, learningRate: 1e-3, rng: createRng(0, 1), lossEvery: 3, onBatch: (c) => seen.push([c.step, c.loss]) });
    expect(tf.memory().numTensors).toBe(before);
    // 200 images in batches of 50: steps 1..8 over two epochs; losses on steps 3 and 6.
    expect(seen.map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.filter(([, l]) => l !== undefined).map(([s]) => s)).toEqual([3, 6]);
    // A batch's mean loss is of the size of the epoch's.
    expect(seen[2][1]! / result.epochLosses[0]).toBeGreaterThan(0.5);
    expect(seen[2][1]! / result.epochLosses[0]).toBeLessThan(2);
    const quiet: (number | undefined)[] = [];
    await fit({ model, data: train, epochs: 1, batchSize: 50, learningRate: 1e-3, rng: createRng(0, 1), onBatch: (c) => quiet.push(c.loss) });
    expect(quiet).toEqual([undefined, undefined, undefined, undefined]);
    model.dispose();
  });

  it('is repeatable for the same rng stream and differs for another', async () => {
    const run = async (seed: number) => {
      const model = tinyVae({ seed: 1 });
      const r = await fit({ model, data: train, epochs: 1, batchSize: 50, learningRate: 1e-3, rng: createRng(seed, 1) });
      const e = await evaluate(model, test, 40, createRng(seed, 2));
      model.dispose();
      return [r.trainLoss, e.total];
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('stops between batches when the signal aborts', async () => {
    const model = tinyVae({ seed: 1 });
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    await expect(
      fit({ model, data: train, epochs: 2, batchSize: 50, learningRate: 1e-3, rng: createRng(0), signal: controller.signal, onBatch: (c) => { if (c.batch === 2) controller.abort(); } }),
    ).rejects.toThrow(/aborted/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('sees an abort that arrives from the event loop (a signal handler, a timer) within one batch', async () => {
    const model = tinyVae({ seed: 1 });
    const controller = new AbortController();
    const seen: number[] = [];
    // The abort is queued as an event-loop task, as a SIGINT handler is: a loop that never yields sees it only at the epoch's end.
    const onBatch = (c: { batch: number }) => {
      seen.push(c.batch);
      if (c.batch === 2) setImmediate(() => controller.abort());
    };
    await expect(fit({ model, data: train, epochs: 1, batchSize: 10, learningRate: 1e-3, rng: createRng(0), signal: controller.signal, onBatch })).rejects.toThrow(/aborted/);
    // 20 batches in the epoch; the loop stopped after the batch in which the abort arrived.
    expect(seen).toEqual([1, 2]);
    model.dispose();
  });

  it('refuses a non-finite loss, naming the epoch', async () => {
    const model = tinyVae({ seed: 1 });
    const broken = { ...model, trainStep: () => tf.scalar(Number.NaN) };
    await expect(fit({ model: broken, data: train, epochs: 2, batchSize: 100, learningRate: 1e-3, rng: createRng(0) })).rejects.toThrow(NonFiniteLossError);
    await expect(fit({ model: broken, data: train, epochs: 2, batchSize: 100, learningRate: 1e-3, rng: createRng(0) })).rejects.toThrow(/training \(epoch 1\) loss is NaN/);
    model.dispose();
  });

  it('checks its arguments', async () => {
    const model = tinyVae({ seed: 1 });
    await expect(fit({ model, data: train, epochs: 0, batchSize: 10, learningRate: 1e-3, rng: createRng(0) })).rejects.toThrow(/epochs 0 is not valid; expected a positive integer/);
    await expect(fit({ model, data: train, epochs: 1, batchSize: 10, learningRate: -1, rng: createRng(0) })).rejects.toThrow(/learningRate -1 is not valid; expected a positive number/);
    model.dispose();
  });
});

describe('evaluate', () => {
  it('averages loss parts per image over the whole set, whatever the batch size', async () => {
    const model = tinyVae({ seed: 1 });
    const a = await evaluate(model, test, 100, createRng(3));
    const b = await evaluate(model, test, 100, createRng(3));
    expect(a).toEqual(b);
    expect(a.total).toBeCloseTo(a.recon + a.kl, 2);
    // An untrained Bernoulli decoder sits near ln 2 nats per pixel.
    expect(a.recon / 784).toBeGreaterThan(0.5);
    expect(a.recon / 784).toBeLessThan(1);
    model.dispose();
  });
});
