/**
 * Image sets that stay on disk: a file of uint8 HWC images back to back (a run's synthetic.u8, the
 * CelebA cache) read one batch at a time with positioned reads. Under the accumulate scheme the
 * training pool grows by a full synthetic set per generation (over a million 64x64x3 images by
 * generation 7 of full CelebA); kept on disk, it costs the process no memory beyond the batch being
 * read, and the operating system's page cache keeps hot files fast.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { pixelsPerImage } from './images.ts';
import type { ImageShape, ImageSource } from './images.ts';

export interface FileImageSource extends ImageSource {
  /** The file the images are read from. */
  readonly path: string;
}

/** Options of openImageFile: where in the file the images start, and how many to read. */
export interface FileSourceOptions {
  /** Byte offset of the first image in the file. Defaults to 0. */
  offset?: number;
  /** Number of images. Defaults to every whole image from `offset` to the end of the file. */
  count?: number;
}

/** Opens `path` as `count` images of `shape`, checking that the file holds them all. */
export function openImageFile(path: string, shape: ImageShape, options: FileSourceOptions = {}): FileImageSource {
  const per = pixelsPerImage(shape);
  if (!shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`Image shape [${shape.join(', ')}] must be three positive integers (height, width, channels).`);
  }
  const offset = options.offset ?? 0;
  if (!(Number.isInteger(offset) && offset >= 0))
    throw new Error(`Offset ${offset} into ${path} must be a non-negative integer.`);
  const fd = open(path);
  const size = fstatSync(fd).size;
  closeSync(fd);
  const available = Math.floor(Math.max(0, size - offset) / per);
  if (options.count === undefined && (size - offset) % per !== 0) {
    throw new Error(
      `Image file ${path} holds ${size - offset} bytes after offset ${offset}, not a whole number ` +
        `of ${shape.join('x')} images (${per} bytes each).`,
    );
  }
  const count = options.count ?? available;
  if (!(Number.isInteger(count) && count >= 0) || count > available) {
    throw new Error(
      `Image file ${path} holds ${available} ${shape.join('x')} images after offset ${offset}; expected at least ${count}.`,
    );
  }
  return {
    path,
    count,
    shape: [shape[0], shape[1], shape[2]],
    gather(indices) {
      const out = new Uint8Array(indices.length * per);
      // Opened per call (two system calls per batch) so that no file handle outlives its use.
      const file = open(path);
      try {
        // Runs of consecutive indices (evaluation, sampling in order) are read with one call.
        for (let i = 0; i < indices.length;) {
          const first = indices[i];
          if (!(Number.isInteger(first) && first >= 0 && first < count)) {
            throw new Error(`Image index ${first} is out of range; expected 0 <= index < ${count}.`);
          }
          let run = 1;
          while (i + run < indices.length && indices[i + run] === first + run && first + run < count) run++;
          readFully(file, out, i * per, run * per, offset + first * per, path);
          i += run;
        }
      } finally {
        closeSync(file);
      }
      return out;
    },
  };
}

function open(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(
      code === 'ENOENT'
        ? `Image file ${path} does not exist.`
        : `Image file ${path} could not be opened (${(err as Error).message}).`,
    );
  }
}

function readFully(fd: number, out: Uint8Array, at: number, length: number, position: number, path: string): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, at + done, length - done, position + done);
    if (n === 0)
      throw new Error(`Image file ${path} ended early at byte ${position + done}; was it truncated while in use?`);
    done += n;
  }
}
