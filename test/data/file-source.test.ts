import { beforeAll, describe, expect, it } from 'vitest';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openImageFile } from '../../data/file-source.ts';
import { concatSources, createImageSet, range } from '../../data/images.ts';
import type { ImageSet } from '../../data/images.ts';
import { loadSynthetic, RunDir } from '../../lib/run/run-dir.ts';
import { trainGenerations } from '../../lib/generations.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

let dir: string;
let set: ImageSet;
beforeAll(async () => {
  dir = await tempDir();
  const pixels = Uint8Array.from({ length: 10 * 2 * 2 * 3 }, (_, i) => (i * 7) % 256);
  set = createImageSet(pixels, [2, 2, 3]);
  await writeFile(join(dir, 'ten.u8'), pixels);
});

describe('openImageFile', () => {
  it('reads the same bytes as the in-memory set, for any order, repeats and runs of indices', () => {
    const file = openImageFile(join(dir, 'ten.u8'), [2, 2, 3]);
    expect(file.count).toBe(10);
    expect(file.shape).toEqual([2, 2, 3]);
    for (const idx of [range(10), [9, 0, 3, 3, 4, 5, 6, 1], [7]]) {
      expect(Array.from(file.gather(idx))).toEqual(Array.from(set.gather(idx)));
    }
  });

  it('serves a part of a file from an offset, and joins with other sources', () => {
    const tail = openImageFile(join(dir, 'ten.u8'), [2, 2, 3], { offset: 4 * 12, count: 5 });
    expect(tail.count).toBe(5);
    expect(Array.from(tail.gather([0, 4]))).toEqual(Array.from(set.gather([4, 8])));
    const pool = concatSources([set, tail]);
    expect(Array.from(pool.gather([12, 1]))).toEqual(Array.from(set.gather([6, 1])));
  });

  it('names the file and what was expected when something is wrong', async () => {
    expect(() => openImageFile(join(dir, 'missing.u8'), [2, 2, 3])).toThrow(/Image file .*missing\.u8 does not exist/);
    expect(() => openImageFile(join(dir, 'ten.u8'), [3, 3, 3])).toThrow(
      /ten\.u8 holds 120 bytes after offset 0, not a whole number of 3x3x3 images/,
    );
    expect(() => openImageFile(join(dir, 'ten.u8'), [2, 2, 3], { count: 11 })).toThrow(
      /holds 10 2x2x3 images after offset 0; expected at least 11/,
    );
    const file = openImageFile(join(dir, 'ten.u8'), [2, 2, 3]);
    expect(() => file.gather([10])).toThrow(/Image index 10 is out of range; expected 0 <= index < 10/);
    await writeFile(join(dir, 'short.u8'), set.pixels);
    const short = openImageFile(join(dir, 'short.u8'), [2, 2, 3]);
    await truncate(join(dir, 'short.u8'), 30);
    expect(() => short.gather([9])).toThrow(/short\.u8 ended early at byte 108; was it truncated/);
  });
});

describe('the disk-backed accumulate pool (trainGenerations with a run directory)', () => {
  it('gives the same numbers as the in-memory pool, and its sets match what was sampled', async () => {
    await useTestBackend();
    const data = await tinyMnist(100, 50);
    const options = {
      model: tinyVae,
      data,
      scheme: parseScheme('accumulate'),
      generations: 3,
      epochs: 1,
      batchSize: 50,
      evalBatchSize: 100,
      seed: 4,
    };
    const inMemory = await trainGenerations(options);
    const run = join(await tempDir(), 'run');
    const onDisk = await trainGenerations({ ...options, runDir: run });
    const numbers = (rs: typeof inMemory) => rs.map((r) => [r.trainSize, r.trainLoss, r.testLoss]);
    expect(numbers(onDisk)).toEqual(numbers(inMemory));
    const g1 = await new RunDir(run).synthetic(1);
    expect(g1.count).toBe(100);
    expect(g1.shape).toEqual([28, 28, 1]);
    expect(Buffer.from(g1.gather(range(100))).equals(Buffer.from((await loadSynthetic(run, 1)).pixels))).toBe(true);
  });
});
