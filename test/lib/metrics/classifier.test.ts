import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../../lib/tfjs.ts';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createImageSet } from '../../../data/images.ts';
import type { ImageSet } from '../../../data/images.ts';
import { accuracy, loadClassifier, loadOrTrainClassifier, shiftImages, trainClassifier } from '../../../lib/metrics/classifier.ts';
import { createRng } from '../../../lib/rng.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tinyMnist } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(1000, 200);
  root = await tempDir();
});

/** A tiny, fast configuration (the real one trains on 60,000 images; see the scripts). */
const TINY = { hidden: [64, 16], epochs: 3, batchSize: 50, maxShift: 1, seed: 4 };

describe('classifier', () => {
  it('learns MNIST digits well above chance from 1000 images, with features of the last hidden size', async () => {
    const before = tf.memory().numTensors;
    const c = await trainClassifier({ ...TINY, ...data });
    expect(c.info.testAccuracy).toBeGreaterThan(0.6);
    expect(await accuracy(c, data.test)).toBe(c.info.testAccuracy);
    const out = await c.run(data.test, 30, 7);
    expect(out.labels).toHaveLength(30);
    expect([out.features.count, out.features.dim]).toEqual([30, 16]);
    expect(Array.from(out.features.data).every((v) => v >= 0)).toBe(true); // relu features
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is trained once, cached atomically, and reused with the same settings', async () => {
    const dir = join(root, 'clf');
    let loads = 0;
    const lines: string[] = [];
    const opts = { ...TINY, epochs: 1, dir, data: async () => (loads++, data), log: (l: string) => lines.push(l), minAccuracy: 0.99 };
    const a = await loadOrTrainClassifier(opts);
    expect(loads).toBe(1);
    expect(lines.some((l) => /Warning: .*below 99\.0%/.test(l))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['COMPLETE', 'classifier.json', 'manifest.json', 'model.json', 'weights.bin']);
    expect((await readdir(root)).filter((n) => n.includes('partial'))).toEqual([]);
    const info = JSON.parse(await readFile(join(dir, 'classifier.json'), 'utf8'));
    expect(info.config).toMatchObject({ hidden: [64, 16], epochs: 1, trainSize: 1000 });

    const b = await loadOrTrainClassifier(opts);
    expect(loads).toBe(1);
    expect(b.info.testAccuracy).toBe(a.info.testAccuracy);
    expect(Array.from((await b.run(data.test, 50)).labels)).toEqual(Array.from((await a.run(data.test, 50)).labels));
    b.dispose();

    // Other settings: trained again, replacing the cache.
    const c = await loadOrTrainClassifier({ ...opts, seed: 5 });
    expect(loads).toBe(2);
    expect((await loadClassifier(dir).then((x) => (x.dispose(), x.info))).config.seed).toBe(5);
    a.dispose();
    c.dispose();
  });

  it('shifts images by whole pixels, filling with black', () => {
    // One 3x3 image with a bright centre: any shift of at most 1 keeps one bright pixel.
    const img = new Uint8Array([0, 0, 0, 0, 200, 0, 0, 0, 0]);
    const rng = createRng(2);
    for (let t = 0; t < 20; t++) {
      const out = shiftImages(img, 1, [3, 3, 1], 1, rng);
      expect(out.reduce((s, v) => s + v, 0)).toBe(200);
    }
    // A shift of 2 moves the centre of a 3x3 image out of it or to an edge; never duplicates it.
    const far = shiftImages(img, 1, [3, 3, 1], 2, createRng(3));
    expect(far.reduce((s, v) => s + v, 0) % 200).toBe(0);
  });

  it('refuses unlabelled images', async () => {
    const unlabelled = createImageSet(data.train.pixels.slice(0, 784 * 10), [28, 28, 1]);
    await expect(trainClassifier({ ...TINY, train: unlabelled, test: data.test })).rejects.toThrow(/training set has no labels/);
  });
});
