/**
 * CelebA from a local copy (users bring their own: see docs/experiments.md, "Get CelebA"). Reads the aligned images
 * (`img_align_celeba/*.jpg`, 178x218), center-crops a square and resizes it with sharp, and writes
 * the pixels once into a uint8 cache file next to the data, so every later load of the same
 * selection only reads that file. The official split comes from `list_eval_partition.txt` when it is
 * there (0 train, 1 validation (unused), 2 test); otherwise a seeded split of the sorted file list.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sharpModule } from './sharp.ts';
import { createRng } from '../lib/rng.ts';
import { opt, OptionError, say } from '../lib/options.ts';
import { openImageFile } from './file-source.ts';
import { createImageSet, pixelsPerImage } from './images.ts';
import { whyNoFolder } from '../lib/run/folder-check.ts';
import { hashFile } from '../lib/run/sealed.ts';
import type { ImageShape, ImageSource } from './images.ts';

/** Options of loadCeleba: the folder, the image size, how many images, and where the decoded cache goes. */
export interface CelebaOptions {
  /** The CelebA folder: it holds img_align_celeba/ and, optionally, list_eval_partition.txt. */
  dir: string;
  /** Height and width of the square images. Defaults to 64. */
  imageSize?: number;
  /**
   * Side of the centred square cut from each image before resizing. Defaults to the image's shorter side (178
   * for CelebA).
   */
  cropSize?: number;
  /** Training images to use, the first N of the training split in file order. Defaults to all. */
  limit?: number;
  /**
   * Test images to use. Defaults to all when there is no `limit`, else `limit` scaled by the split's test:train
   * ratio.
   */
  testLimit?: number;
  /** Share of images held out for testing when there is no partition file. Defaults to 0.1. */
  testFraction?: number;
  /** Seed of the split when there is no partition file. Defaults to 0. */
  seed?: number;
  /** Folder for the cache files. Defaults to `<dir>/collapse-lab-cache`. */
  cacheDir?: string;
  /**
   * Hold the images in memory (true) or read them from the cache file batch by batch (false). Defaults to true
   * below 1 GiB of pixels.
   */
  inMemory?: boolean;
  /** Images decoded at once. Defaults to 4. */
  concurrency?: number;
  /** Called after each decoded image (not when the cache is used). Defaults to none. */
  onProgress?: (done: number, total: number) => void;
  /** Notes for the user: the cache used or written, skipped images. Defaults to none. */
  log?: (line: string) => void;
}

/** CelebA as loadCeleba returns it: training and test images, and how they were split. */
export interface Celeba {
  train: ImageSource;
  test: ImageSource;
  /** 'official' when list_eval_partition.txt was used, else 'seeded'. */
  split: 'official' | 'seeded';
  /** Images that could not be decoded and were left out, with the reason. */
  skipped: { file: string; reason: string }[];
  /** The cache file the images come from, whether it existed before this load, and the SHA-256 of its pixels. */
  cache: { path: string; reused: boolean; sha256: string };
}

const CACHE_FORMAT = 'collapse-lab-celeba-cache/2';
const IN_MEMORY_BYTES = 2 ** 30;

interface CacheHeader {
  format: string;
  shape: [number, number, number];
  cropSize: number | null;
  split: 'official' | 'seeded';
  train: number;
  test: number;
  skipped: { file: string; reason: string }[];
  source: string;
  /** SHA-256 of the pixel file: a cache edited or damaged since it was written is decoded again. */
  sha256: string;
  /** SHA-256 of the source pictures' names, sizes and modification times: pictures replaced since are decoded again. */
  sources: string;
}

/** Loads CelebA's training and test images as uint8 imageSize x imageSize x 3. */
export async function loadCeleba(options: CelebaOptions): Promise<Celeba> {
  const {
    dir,
    imageSize = 64,
    cropSize,
    limit,
    testLimit,
    testFraction = 0.1,
    seed = 0,
    concurrency = 4,
    log,
  } = options;
  const positiveInt = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isInteger(v) && v > 0))
      throw new Error(`CelebA ${name} ${v} is not valid; expected a positive integer.`);
  };
  positiveInt('imageSize', imageSize);
  positiveInt('cropSize', cropSize);
  positiveInt('limit', limit);
  positiveInt('testLimit', testLimit);
  positiveInt('concurrency', concurrency);
  if (!(testFraction > 0 && testFraction < 1))
    throw new Error(`CelebA testFraction ${testFraction} is outside (0, 1); expected a share such as 0.1.`);

  const { imagesDir, files } = await findImages(dir);
  const partition = await readPartition(dir, imagesDir);
  let trainAll: string[];
  let testAll: string[];
  if (partition) {
    const known = files.filter((f) => partition.split.has(f));
    if (known.length === 0)
      throw new Error(
        `Partition file ${partition.path} lists none of the ${files.length} images in ${imagesDir}; ` +
          `expected lines such as '000001.jpg 0'.`,
      );
    if (known.length < files.length)
      log?.(`${files.length - known.length} images in ${imagesDir} are not in ${partition.path} and are left out.`);
    trainAll = known.filter((f) => partition.split.get(f) === 0);
    testAll = known.filter((f) => partition.split.get(f) === 2);
  } else {
    const order = createRng(seed).permutation(files.length);
    const nTest = Math.max(1, Math.round(testFraction * files.length));
    const isTest = new Uint8Array(files.length);
    for (let i = 0; i < nTest; i++) isTest[order[i]] = 1;
    trainAll = files.filter((_, i) => !isTest[i]);
    testAll = files.filter((_, i) => isTest[i]);
  }
  if (trainAll.length === 0 || testAll.length === 0) {
    throw new Error(
      `CelebA split of ${imagesDir} has ${trainAll.length} training and ${testAll.length} test ` +
        `images; expected at least one of each (add images or fix the partition file).`,
    );
  }
  const nTrain = Math.min(limit ?? trainAll.length, trainAll.length);
  const nTest = Math.min(
    testLimit ??
      (limit === undefined ? testAll.length : Math.max(1, Math.round((limit * testAll.length) / trainAll.length))),
    testAll.length,
  );
  const trainFiles = trainAll.slice(0, nTrain);
  const testFiles = testAll.slice(0, nTest);
  const split = partition ? 'official' : 'seeded';

  const shape: ImageShape = [imageSize, imageSize, 3];
  const key = createHash('sha256')
    .update(JSON.stringify({ format: CACHE_FORMAT, imageSize, cropSize: cropSize ?? null, trainFiles, testFiles }))
    .digest('hex')
    .slice(0, 16);
  if (options.cacheDir === '')
    throw new OptionError('cacheDir', '', [
      ...say`${opt('cacheDir')} '' is empty; expected a folder for the decoded-image cache (leave it `,
      ...say`out for <dataDir>/collapse-lab-cache).`,
    ]);
  const cacheDir = options.cacheDir ?? join(dir, 'collapse-lab-cache');
  const cachePath = join(cacheDir, `celeba-${imageSize}px-${key}.u8`);
  const per = pixelsPerImage(shape);

  const sources = await sourcesDigest(imagesDir, [...trainFiles, ...testFiles]);
  const cached = await readCacheHeader(cachePath, per, sources);
  let header = 'header' in cached ? cached.header : null;
  const reused = header !== null;
  if (header) {
    log?.(`CelebA: ${header.train} training and ${header.test} test images from the cache ${cachePath}.`);
  } else {
    await checkCacheFolder(cacheDir, options.cacheDir !== undefined);
    if ('stale' in cached) log?.(`CelebA: the cache ${cachePath} ${cached.stale}; decoding the images again.`);
    header = await buildCache({
      imagesDir,
      trainFiles,
      testFiles,
      shape,
      cropSize,
      cachePath,
      split,
      sources,
      concurrency,
      onProgress: options.onProgress,
    });
    log?.(
      `CelebA: decoded ${header.train + header.test} images into the cache ${cachePath}; the next load of this selection reads it.`,
    );
  }
  if (header.skipped.length > 0) {
    const examples = header.skipped
      .slice(0, 3)
      .map((s) => `${s.file} (${s.reason})`)
      .join('; ');
    log?.(
      `CelebA: ${header.skipped.length} unreadable image${header.skipped.length === 1 ? ' was' : 's were'} ` +
        `skipped: ${examples}${header.skipped.length > 3 ? '; ...' : ''}.`,
    );
  }
  if (header.train === 0 || header.test === 0) {
    const first = header.skipped[0] ? ` (the first: ${header.skipped[0].file}: ${header.skipped[0].reason})` : '';
    throw new Error(
      `CelebA folder ${imagesDir}: after skipping ${header.skipped.length} unreadable images${first}, ${header.train} ` +
        `training and ${header.test} test images are left; expected at least one of each.`,
    );
  }

  const inMemory = options.inMemory ?? (header.train + header.test) * per < IN_MEMORY_BYTES;
  let train: ImageSource;
  let test: ImageSource;
  if (inMemory) {
    const pixels = new Uint8Array(await readFile(cachePath));
    train = createImageSet(pixels.subarray(0, header.train * per), shape);
    test = createImageSet(pixels.subarray(header.train * per), shape);
  } else {
    train = openImageFile(cachePath, shape, { offset: 0, count: header.train });
    test = openImageFile(cachePath, shape, { offset: header.train * per, count: header.test });
  }
  return { train, test, split, skipped: header.skipped, cache: { path: cachePath, reused, sha256: header.sha256 } };
}

/** The folder of JPEGs: <dir>/img_align_celeba, the same nested once (the Kaggle copy), or <dir> itself. */
async function findImages(dir: string): Promise<{ imagesDir: string; files: string[] }> {
  const info = await stat(dir).catch((err: { code?: string }) => {
    if (err.code === 'ENOENT')
      throw new Error(
        `CelebA folder ${dir} does not exist; expected a folder holding img_align_celeba/*.jpg (see ` +
          `docs/experiments.md, "Get CelebA").`,
      );
    throw err;
  });
  if (!info.isDirectory())
    throw new Error(`CelebA path ${dir} is a file; expected a folder holding img_align_celeba/*.jpg.`);
  for (const candidate of [join(dir, 'img_align_celeba', 'img_align_celeba'), join(dir, 'img_align_celeba'), dir]) {
    let names: string[];
    try {
      names = await readdir(candidate);
    } catch {
      continue;
    }
    const files = names.filter((n) => /\.jpe?g$/i.test(n)).sort();
    if (files.length > 0) return { imagesDir: candidate, files };
  }
  throw new Error(
    `CelebA folder ${dir} has no .jpg images in ${join(dir, 'img_align_celeba')} (nor in the ` +
      `folder itself); expected img_align_celeba/000001.jpg and so on (see docs/experiments.md, ` +
      `"Where to put it").`,
  );
}

/** list_eval_partition.txt ('000001.jpg 0') or the Kaggle list_eval_partition.csv ('image_id,partition'). */
async function readPartition(
  dir: string,
  imagesDir: string,
): Promise<{ path: string; split: Map<string, number> } | null> {
  const places = [...new Set([dir, dirname(imagesDir)])].flatMap((d) => [
    join(d, 'list_eval_partition.txt'),
    join(d, 'list_eval_partition.csv'),
  ]);
  for (const path of places) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const split = new Map<string, number>();
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || (i === 0 && /^image_id\s*,/i.test(trimmed))) return;
      const m = /^(\S+\.jpe?g)[\s,]+([012])$/i.exec(trimmed);
      if (!m)
        throw new Error(
          `Partition file ${path} line ${i + 1} is '${trimmed.slice(0, 60)}'; expected an image name ` +
            `and 0, 1 or 2, e.g. '000001.jpg 0'.`,
        );
      split.set(m[1], Number(m[2]));
    });
    return { path, split };
  }
  return null;
}

/**
 * The cache is about to be written: a folder that cannot hold it is named (the option given, or the data
 * folder's default).
 */
async function checkCacheFolder(cacheDir: string, given: boolean): Promise<void> {
  const blocked = await whyNoFolder(cacheDir);
  if (!blocked) return;
  const sentence = given
    ? say`${opt('cacheDir')} ${cacheDir} ${blocked}; expected a folder this process may write the decoded-image cache into.`
    : say`The CelebA cache folder ${cacheDir} (the default, inside the data folder) ${blocked}; expected a writable folder: pass ${opt('cacheDir')}.`;
  throw new OptionError('cacheDir', cacheDir, sentence);
}

/** The names, sizes and modification times of the pictures a cache is decoded from, as one SHA-256. */
async function sourcesDigest(imagesDir: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const f of files) {
    const info = await stat(join(imagesDir, f)).catch(() => null);
    hash.update(`${f}\t${info?.size ?? -1}\t${info?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex');
}

/**
 * The cache's header when the cache may be used: none yet (absent), or why it may not (stale): made
 * by another version, truncated, edited since it was written, or decoded from pictures since replaced.
 */
async function readCacheHeader(
  cachePath: string,
  per: number,
  sources: string,
): Promise<{ header: CacheHeader } | { stale: string } | { absent: true }> {
  let header: CacheHeader;
  try {
    header = JSON.parse(await readFile(cachePath.replace(/\.u8$/, '.json'), 'utf8')) as CacheHeader;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { absent: true };
    return { stale: 'has a header that is not JSON' };
  }
  if (header.format !== CACHE_FORMAT)
    return { stale: `was written by another version (format '${String(header.format)}')` };
  if (header.sources !== sources) return { stale: 'was decoded from pictures that have changed since' };
  const found = await hashFile(cachePath).catch(() => null);
  if (!found) return { stale: 'has no pixel file' };
  if (found.size !== (header.train + header.test) * per)
    return {
      stale:
        `holds ${found.size} bytes, not the ${(header.train + header.test) * per} its header gives ` +
        `(truncated or edited)`,
    };
  if (found.sha256 !== header.sha256)
    return { stale: 'does not match the SHA-256 recorded when it was written (edited or damaged)' };
  return { header };
}

interface BuildCache {
  imagesDir: string;
  trainFiles: string[];
  testFiles: string[];
  shape: ImageShape;
  cropSize: number | undefined;
  cachePath: string;
  split: 'official' | 'seeded';
  sources: string;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes every selected image into `<cache>.u8` (training images first, then test images) and its
 * `.json` header, both written under temporary names and renamed into place: an interrupted build
 * leaves no cache that a later load could take for a whole one.
 */
async function buildCache(b: BuildCache): Promise<CacheHeader> {
  const all = [...b.trainFiles, ...b.testFiles];
  try {
    await mkdir(dirname(b.cachePath), { recursive: true });
  } catch (err) {
    throw new Error(
      `Cannot create the CelebA cache folder ${dirname(b.cachePath)} (${(err as Error).message}); ` +
        `expected a writable folder (pass another cache folder).`,
    );
  }
  const tempPath = `${b.cachePath}.${process.pid}.tmp`;
  const fd = openSync(tempPath, 'w');
  const skipped: { file: string; reason: string }[] = [];
  const written = { train: 0, test: 0 };
  const digest = createHash('sha256');
  try {
    // Images are decoded `concurrency` at a time but written in file order.
    const results = new Map<number, Uint8Array | Error>();
    let nextToStart = 0;
    let nextToWrite = 0;
    let done = 0;
    const flush = () => {
      while (results.has(nextToWrite)) {
        const r = results.get(nextToWrite)!;
        results.delete(nextToWrite);
        if (r instanceof Error) {
          // sharp reports a damaged JPEG (a libvips warning under failOn) without saying what it was.
          const reason = /failOn/.test(r.message) ? 'corrupt or truncated JPEG' : r.message.split('\n')[0];
          skipped.push({ file: join(b.imagesDir, all[nextToWrite]), reason });
        } else {
          writeAll(fd, r);
          digest.update(r);
          if (nextToWrite < b.trainFiles.length) written.train++;
          else written.test++;
        }
        nextToWrite++;
      }
    };
    const worker = async () => {
      while (nextToStart < all.length) {
        const i = nextToStart++;
        results.set(i, await decode(join(b.imagesDir, all[i]), b.shape, b.cropSize).catch((err: Error) => err));
        flush();
        b.onProgress?.(++done, all.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(b.concurrency, all.length) }, worker));
    flush();
  } catch (err) {
    closeSync(fd);
    await rm(tempPath, { force: true });
    throw err;
  }
  closeSync(fd);
  const header: CacheHeader = {
    format: CACHE_FORMAT,
    shape: [b.shape[0], b.shape[1], b.shape[2]],
    cropSize: b.cropSize ?? null,
    split: b.split,
    train: written.train,
    test: written.test,
    skipped,
    source: b.imagesDir,
    sha256: digest.digest('hex'),
    sources: b.sources,
  };
  const headerPath = b.cachePath.replace(/\.u8$/, '.json');
  await writeFile(`${headerPath}.${process.pid}.tmp`, JSON.stringify(header, null, 1) + '\n');
  await rename(tempPath, b.cachePath);
  await rename(`${headerPath}.${process.pid}.tmp`, headerPath);
  return header;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** One image: the centred square (cropSize, or the shorter side), resized to the target, as RGB bytes. */
async function decode(path: string, shape: ImageShape, cropSize: number | undefined): Promise<Uint8Array> {
  const sharp = await sharpModule();
  const image = sharp(path, { failOn: 'warning' });
  const { width, height } = await image.metadata();
  if (!width || !height) throw new Error('no image size in the file');
  const side = cropSize ?? Math.min(width, height);
  if (side > Math.min(width, height))
    throw new Error(`the crop of ${side} pixels is larger than the ${width}x${height} image`);
  const { data, info } = await image
    .extract({ left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), width: side, height: side })
    .resize(shape[1], shape[0])
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (info.channels === 1) {
    const rgb = new Uint8Array(data.length * 3);
    for (let i = 0; i < data.length; i++) rgb.fill(data[i], 3 * i, 3 * i + 3);
    return rgb;
  }
  throw new Error(`decoded to ${info.channels} channels; expected RGB`);
}
