import { beforeAll, describe, expect, it } from 'vitest';
import { trainGenerations } from '../../lib/generations.ts';
import type { GenerationsOptions } from '../../lib/resolve.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { createAutoencoder } from '../../models/autoencoder.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';

let data: { train: ImageSet; test: ImageSet };
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(60, 30);
});
const base = (over: Record<string, unknown> = {}) =>
  ({
    model: tinyVae,
    data,
    scheme: parseScheme('replace'),
    generations: 1,
    epochs: 1,
    batchSize: 30,
    evalBatchSize: 30,
    ...over,
  }) as GenerationsOptions;

describe('the API is as strict as the CLI', () => {
  for (const [key, near] of [
    ['epoch', 'epochs'],
    ['generation', 'generations'],
    ['learningrate', 'learningRate'],
    ['synthetic_size', 'syntheticSize'],
  ]) {
    it(`refuses the unknown option '${key}', naming ${near}`, async () => {
      await expect(trainGenerations(base({ [key]: 3 }))).rejects.toThrow(
        `Option '${key}' is not known; expected one of the documented options (did you mean ${near}?).`,
      );
    });
  }

  it('refuses a seed above 2**53 - 1', async () => {
    await expect(trainGenerations(base({ seed: 2 ** 53 }))).rejects.toThrow(
      'seed 9007199254740992 is above 9007199254740991 (2**53 - 1)',
    );
  });

  for (const lr of [5e-324, 1e-46]) {
    it(`refuses learningRate ${lr}, which is 0 in float32`, async () => {
      await expect(trainGenerations(base({ learningRate: lr }))).rejects.toThrow(
        `learningRate ${lr} is 0 in float32, the precision training runs in`,
      );
    });
  }

  it('refuses warmStart without a run directory (it would be ignored)', async () => {
    await expect(trainGenerations(base({ warmStart: true, generations: 2 }))).rejects.toThrow(
      "warmStart: true starts each generation from the previous one's saved weights, which need a run directory; expected runDir as well.",
    );
  });

  it("an autoencoder's synthetic size too small for its latent Gaussian is refused before generation 1", async () => {
    const logs: string[] = [];
    const ae = (i: { seed: number }) => createAutoencoder({ hidden: [8], latentDim: 2, seed: i.seed });
    await expect(
      trainGenerations(
        base({ model: ae, generations: 2, syntheticSize: 1, onGenerationStart: () => logs.push('started') }),
      ),
    ).rejects.toThrow(
      'Generation 2 would train on 1 image (syntheticSize 1), but this model needs at least 2 to fit what it samples from; expected syntheticSize of at least 2.',
    );
    expect(logs).toEqual([]);
  });
});
