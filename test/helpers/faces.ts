/**
 * A CelebA-like folder made at test time (no binary fixtures): JPEG "faces" (a skin-toned oval with
 * eyes, mouth and hair on a plain background, each drawn with seeded random colours and offsets) in
 * img_align_celeba/000001.jpg ..., and optionally list_eval_partition.txt.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng } from '../../lib/rng.ts';

export interface FaceFolderOptions {
  /** Number of images. */
  count: number;
  /** Image width and height. Defaults to 178 x 218, CelebA's aligned size. */
  width?: number;
  height?: number;
  /** Seed of the drawings. Defaults to 0. */
  seed?: number;
  /** Partition file: 'txt' (the official list_eval_partition.txt), 'none'. Defaults to 'txt'. */
  partition?: 'txt' | 'none';
  /** Partition of image i (0 train, 1 validation, 2 test) when a partition file is written. Defaults to 8:1:1 in file order. */
  partitionOf?: (i: number, count: number) => 0 | 1 | 2;
  /** Indices of images written as broken JPEG files (truncated), which a loader must skip. Defaults to none. */
  broken?: number[];
  /** Images encoded at once. Defaults to 4. */
  concurrency?: number;
}

/** File name of image i (0-based), as CelebA names them. */
export const faceName = (i: number) => `${String(i + 1).padStart(6, '0')}.jpg`;

/** Writes the folder under `root` and returns `root`. */
export async function makeFaceFolder(root: string, options: FaceFolderOptions): Promise<string> {
  const { count, width = 178, height = 218, seed = 0, partition = 'txt', broken = [], concurrency = 4 } = options;
  const partitionOf = options.partitionOf ?? ((i: number, n: number) => (i < 0.8 * n ? 0 : i < 0.9 * n ? 1 : 2));
  const images = join(root, 'img_align_celeba');
  await mkdir(images, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const jpeg = await sharp(drawFace(width, height, seed, i), { raw: { width, height, channels: 3 } })
        .jpeg({ quality: 85 })
        .toBuffer();
      await writeFile(
        join(images, faceName(i)),
        broken.includes(i) ? jpeg.subarray(0, Math.floor(jpeg.length / 3)) : jpeg,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (partition === 'txt') {
    const lines = Array.from({ length: count }, (_, i) => `${faceName(i)} ${partitionOf(i, count)}\n`);
    await writeFile(join(root, 'list_eval_partition.txt'), lines.join(''));
  }
  return root;
}

/** RGB pixels of face i. */
export function drawFace(width: number, height: number, seed: number, i: number): Uint8Array {
  const rng = createRng(seed, i);
  const colour = (lo: number, hi: number) => [0, 1, 2].map(() => lo + rng.int(hi - lo));
  const background = colour(20, 235);
  const skin = [150 + rng.int(90), 100 + rng.int(80), 70 + rng.int(70)];
  const hair = colour(10, 120);
  const cx = width / 2 + (rng.uniform() - 0.5) * width * 0.1;
  const cy = height * 0.55 + (rng.uniform() - 0.5) * height * 0.08;
  const rx = width * (0.28 + 0.06 * rng.uniform());
  const ry = height * (0.3 + 0.05 * rng.uniform());
  const eyeY = cy - ry * 0.2;
  const eyeDx = rx * 0.42;
  const eyeR = Math.max(1.5, rx * 0.12);
  const mouthY = cy + ry * 0.45;
  const mouthW = rx * (0.3 + 0.3 * rng.uniform());
  const px = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x - cx) / rx;
      const dy = (y - cy) / ry;
      let c = background;
      if (dx * dx + dy * dy <= 1) {
        c = skin;
        const eye = Math.min((x - cx + eyeDx) ** 2, (x - cx - eyeDx) ** 2) + (y - eyeY) ** 2 <= eyeR * eyeR;
        const mouth = Math.abs(y - mouthY) <= Math.max(1, ry * 0.05) && Math.abs(x - cx) <= mouthW;
        if (eye) c = [30, 30, 40];
        else if (mouth) c = [170, 40, 50];
        else if (dy < -0.55) c = hair;
      }
      px.set(c, (y * width + x) * 3);
    }
  }
  return px;
}
