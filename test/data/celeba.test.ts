import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCeleba } from '../../data/celeba.ts';
import { range } from '../../data/images.ts';
import type { ImageSource } from '../../data/images.ts';
import { drawFace, faceName, makeFaceFolder } from '../helpers/faces.ts';
import { tempDir } from '../helpers/tmp.ts';

let root: string;
let official: string;
beforeAll(async () => {
  root = await tempDir('collapse-lab-celeba-');
  // 20 CelebA-sized images: 16 train, 2 validation, 2 test; image 4 (000005.jpg) is a truncated file.
  official = await makeFaceFolder(join(root, 'official'), { count: 20, seed: 1, broken: [4] });
});

const all = (s: ImageSource) => s.gather(range(s.count));

describe('loadCeleba', () => {
  it('reads the official split, center-crops and resizes, skips and counts an unreadable image, and writes a cache', async () => {
    const notes: string[] = [];
    const progress: number[] = [];
    const c = await loadCeleba({
      dir: official,
      imageSize: 16,
      log: (l) => notes.push(l),
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(c.split).toBe('official');
    expect(c.train.shape).toEqual([16, 16, 3]);
    expect(c.train.count).toBe(15);
    expect(c.test.count).toBe(2);
    expect(c.skipped).toHaveLength(1);
    expect(c.skipped[0].file).toBe(join(official, 'img_align_celeba', '000005.jpg'));
    expect(notes.join('\n')).toMatch(
      /1 unreadable image was skipped: .*000005\.jpg \((corrupt or truncated JPEG|VipsJpeg: premature end of JPEG image)\)/,
    );
    expect(progress.at(-1)).toBe(1);
    expect(c.cache.reused).toBe(false);
    expect(c.cache.path.startsWith(join(official, 'collapse-lab-cache'))).toBe(true);
    // Training image 0 is 000001.jpg: compare with a box-filtered centre square of what was drawn.
    const expected = boxDownsample(drawFace(178, 218, 1, 0), 178, 218, 16);
    const got = c.train.gather([0]);
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff += Math.abs(got[i] - expected[i]);
    expect(diff / got.length).toBeLessThan(12);
  });

  it('reads the cache on the second load: same pixels, no decoding, the skipped image still reported', async () => {
    const first = await loadCeleba({ dir: official, imageSize: 16 });
    const notes: string[] = [];
    let decoded = 0;
    const second = await loadCeleba({
      dir: official,
      imageSize: 16,
      log: (l) => notes.push(l),
      onProgress: () => decoded++,
    });
    expect(second.cache).toEqual({ path: first.cache.path, reused: true, sha256: first.cache.sha256 });
    expect(decoded).toBe(0);
    expect(Buffer.from(all(second.train)).equals(Buffer.from(all(first.train)))).toBe(true);
    expect(Buffer.from(all(second.test)).equals(Buffer.from(all(first.test)))).toBe(true);
    expect(notes.join('\n')).toMatch(/from the cache .*\n.*1 unreadable image was skipped/);
  });

  it('decodes again, and says so, a cache edited, truncated or made from pictures replaced since (never uses it)', async () => {
    const dir = await makeFaceFolder(join(root, 'edited'), { count: 10, seed: 3 });
    const first = await loadCeleba({ dir, imageSize: 8 });
    const pixels = Buffer.from(all(first.train));
    const reload = async () => {
      const notes: string[] = [];
      const c = await loadCeleba({ dir, imageSize: 8, log: (l) => notes.push(l) });
      expect(c.cache.reused).toBe(false);
      expect(Buffer.from(all(c.train)).equals(pixels)).toBe(true);
      return notes.join('\n');
    };
    const bytes = await readFile(first.cache.path);
    bytes[5] ^= 0xff;
    await writeFile(first.cache.path, bytes);
    expect(await reload()).toMatch(
      /the cache .*\.u8 does not match the SHA-256 recorded when it was written \(edited or damaged\); decoding the images again/,
    );
    await truncate(first.cache.path, 100);
    expect(await reload()).toMatch(
      /holds 100 bytes, not the \d+ its header gives \(truncated or edited\); decoding the images again/,
    );
    // A picture replaced by another one (a later modification time and another size).
    const picture = join(dir, 'img_align_celeba', faceName(0));
    await writeFile(picture, await readFile(join(dir, 'img_align_celeba', faceName(1))));
    await utimes(picture, new Date(), new Date(Date.now() + 5000));
    const notes: string[] = [];
    const replaced = await loadCeleba({ dir, imageSize: 8, log: (l) => notes.push(l) });
    expect(notes.join('\n')).toMatch(/was decoded from pictures that have changed since; decoding the images again/);
    expect(Buffer.from(replaced.train.gather([0])).equals(Buffer.from(replaced.train.gather([1])))).toBe(true);
    expect((await loadCeleba({ dir, imageSize: 8 })).cache.reused).toBe(true);
  });

  it('serves the same pixels from the cache file when not held in memory', async () => {
    const inMemory = await loadCeleba({ dir: official, imageSize: 16 });
    const onDisk = await loadCeleba({ dir: official, imageSize: 16, inMemory: false });
    expect('pixels' in onDisk.train).toBe(false);
    expect(Buffer.from(all(onDisk.train)).equals(Buffer.from(all(inMemory.train)))).toBe(true);
    expect(Buffer.from(onDisk.test.gather([1, 0])).equals(Buffer.from(inMemory.test.gather([1, 0])))).toBe(true);
  });

  it('takes the first N training images with limit, and a proportional share of the test split', async () => {
    const c = await loadCeleba({ dir: official, imageSize: 8, limit: 8 });
    // Images 1-8 are 000001-000009 without the unreadable 000005; 8 x 2/16 = 1 test image.
    expect(c.train.count).toBe(7);
    expect(c.test.count).toBe(1);
    const full = await loadCeleba({ dir: official, imageSize: 8 });
    expect(Buffer.from(c.train.gather([0, 6])).equals(Buffer.from(full.train.gather([0, 6])))).toBe(true);
    expect(c.cache.path).not.toBe(full.cache.path);
  });

  it('refuses an empty cacheDir (it would write the cache into the working folder)', async () => {
    await expect(loadCeleba({ dir: official, imageSize: 8, cacheDir: '' })).rejects.toThrow(
      "cacheDir '' is empty; expected a folder for the decoded-image cache",
    );
  });

  it('splits by seed when there is no partition file, the same way for the same seed', async () => {
    const dir = await makeFaceFolder(join(root, 'unsplit'), {
      count: 10,
      width: 40,
      height: 48,
      partition: 'none',
      seed: 2,
    });
    const a = await loadCeleba({ dir, imageSize: 8, seed: 3, testFraction: 0.2 });
    expect(a.split).toBe('seeded');
    expect([a.train.count, a.test.count]).toEqual([8, 2]);
    const b = await loadCeleba({ dir, imageSize: 8, seed: 3, testFraction: 0.2, cacheDir: join(root, 'other-cache') });
    expect(b.cache.reused).toBe(false);
    expect(Buffer.from(all(b.test)).equals(Buffer.from(all(a.test)))).toBe(true);
  });

  it('accepts a folder of images given directly and a Kaggle-style nested copy with a CSV partition', async () => {
    const kaggle = join(root, 'kaggle');
    await makeFaceFolder(join(kaggle, 'img_align_celeba'), { count: 6, width: 40, height: 48, partition: 'none' });
    const csv = ['image_id,partition', ...Array.from({ length: 6 }, (_, i) => `${faceName(i)},${i < 4 ? 0 : 2}`)].join(
      '\n',
    );
    await writeFile(join(kaggle, 'list_eval_partition.csv'), csv + '\n');
    const c = await loadCeleba({ dir: kaggle, imageSize: 8 });
    expect([c.split, c.train.count, c.test.count]).toEqual(['official', 4, 2]);
    const direct = await loadCeleba({
      dir: join(kaggle, 'img_align_celeba', 'img_align_celeba'),
      imageSize: 8,
      testFraction: 0.5,
    });
    expect(direct.train.count + direct.test.count).toBe(6);
  });

  it('stops with a sentence naming the path when the folder is missing, empty, or its partition file is malformed', async () => {
    await expect(loadCeleba({ dir: join(root, 'nowhere') })).rejects.toThrow(
      /CelebA folder .*nowhere does not exist; expected a folder holding img_align_celeba\/\*\.jpg/,
    );
    const empty = join(root, 'empty');
    await mkdir(join(empty, 'img_align_celeba'), { recursive: true });
    await expect(loadCeleba({ dir: empty })).rejects.toThrow(
      /CelebA folder .*empty has no \.jpg images in .*img_align_celeba/,
    );
    const bad = await makeFaceFolder(join(root, 'bad'), { count: 2, width: 40, height: 48, partition: 'none' });
    await writeFile(join(bad, 'list_eval_partition.txt'), '000001.jpg 0\n000002.jpg train\n');
    await expect(loadCeleba({ dir: bad })).rejects.toThrow(
      /Partition file .*list_eval_partition\.txt line 2 is '000002\.jpg train'; expected an image name and 0, 1 or 2/,
    );
    await expect(loadCeleba({ dir: official, imageSize: 0 })).rejects.toThrow(
      /CelebA imageSize 0 is not valid; expected a positive integer/,
    );
    expect(await readdir(join(official, 'collapse-lab-cache'))).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});

/** The mean of each (178/size)-pixel block of the centred 178x178 square of an RGB image. */
function boxDownsample(rgb: Uint8Array, width: number, height: number, size: number): Uint8Array {
  const side = Math.min(width, height);
  const top = Math.floor((height - side) / 2);
  const left = Math.floor((width - side) / 2);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const y0 = top + Math.floor((y * side) / size);
      const y1 = top + Math.floor(((y + 1) * side) / size);
      const x0 = left + Math.floor((x * side) / size);
      const x1 = left + Math.floor(((x + 1) * side) / size);
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += rgb[(yy * width + xx) * 3 + c];
        out[(y * size + x) * 3 + c] = Math.round(s / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}
