/**
 * Image sets: every image (real or synthetic) is stored as uint8 pixels in HWC order and is turned
 * into float32 in [0, 1] one batch at a time (batch.ts), so a dataset costs one byte per pixel in memory.
 * This module loads no tfjs.
 */
/** Height, width, channels. */
export type ImageShape = readonly [h: number, w: number, c: number];

/** Anything the trainer can draw batches from: an in-memory set, a view over several, a file. */
export interface ImageSource {
  readonly count: number;
  readonly shape: ImageShape;
  /** Pixels of the images at `indices`, concatenated (indices.length * pixelsPerImage bytes). */
  gather(indices: ArrayLike<number>): Uint8Array;
  /** Labels of the images at `indices`, when the source has labels. */
  gatherLabels?(indices: ArrayLike<number>): Uint8Array;
}

/** An in-memory set of images. */
export interface ImageSet extends ImageSource {
  readonly pixels: Uint8Array;
  readonly labels?: Uint8Array;
}

export function pixelsPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/** Wraps pixels (and optional labels) as an ImageSet, checking that the sizes agree. */
export function createImageSet(pixels: Uint8Array, shape: ImageShape, labels?: Uint8Array): ImageSet {
  const per = pixelsPerImage(shape);
  if (!shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`Image shape [${shape.join(', ')}] must be three positive integers (height, width, channels).`);
  }
  if (pixels.length % per !== 0) {
    throw new Error(`Pixel buffer of ${pixels.length} bytes is not a whole number of ${shape.join('x')} images (${per} bytes each).`);
  }
  const count = pixels.length / per;
  if (labels && labels.length !== count) {
    throw new Error(`Labels have ${labels.length} entries but there are ${count} images; expected one label per image.`);
  }
  return {
    pixels,
    count,
    shape: [shape[0], shape[1], shape[2]],
    labels,
    gather: (indices) => gatherRows(pixels, per, count, indices),
    gatherLabels: labels ? (indices) => gatherRows(labels, 1, count, indices) : undefined,
  };
}

function gatherRows(buf: Uint8Array, per: number, count: number, indices: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!(j >= 0 && j < count)) throw new Error(`Image index ${j} is out of range; expected 0 <= index < ${count}.`);
    out.set(buf.subarray(j * per, (j + 1) * per), i * per);
  }
  return out;
}

/** Copies a source into memory (all of it, or the images at `indices`). */
export function materialize(source: ImageSource, indices?: ArrayLike<number>): ImageSet {
  const idx = indices ?? range(source.count);
  return createImageSet(source.gather(idx), source.shape, source.gatherLabels?.(idx));
}

/** The first `n` images of a source, in memory. */
export function takeFirst(source: ImageSource, n: number): ImageSet {
  return materialize(source, range(Math.min(n, source.count)));
}

/** A view that reads several sources of the same shape back to back, without copying them. */
export function concatSources(parts: readonly ImageSource[]): ImageSource {
  if (parts.length === 0) throw new Error('concatSources needs at least one source.');
  const shape = parts[0].shape;
  for (const p of parts) {
    if (p.shape.join('x') !== shape.join('x')) {
      throw new Error(`Cannot join image sets of shape ${shape.join('x')} and ${p.shape.join('x')}; expected one shape.`);
    }
  }
  if (parts.length === 1) return parts[0];
  const starts: number[] = [];
  let count = 0;
  for (const p of parts) {
    starts.push(count);
    count += p.count;
  }
  const per = pixelsPerImage(shape);
  const hasLabels = parts.every((p) => p.gatherLabels);
  // Groups the requested indices by part, reads each part once, and scatters back in order.
  const gatherBy = (indices: ArrayLike<number>, width: number, read: (p: ImageSource, ix: number[]) => Uint8Array) => {
    const byPart: number[][] = parts.map(() => []);
    const slot: number[][] = parts.map(() => []);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!(j >= 0 && j < count)) throw new Error(`Image index ${j} is out of range; expected 0 <= index < ${count}.`);
      const k = partOf(starts, j);
      byPart[k].push(j - starts[k]);
      slot[k].push(i);
    }
    const out = new Uint8Array(indices.length * width);
    byPart.forEach((ix, k) => {
      if (ix.length === 0) return;
      const got = read(parts[k], ix);
      slot[k].forEach((i, r) => out.set(got.subarray(r * width, (r + 1) * width), i * width));
    });
    return out;
  };
  return {
    count,
    shape,
    gather: (indices) => gatherBy(indices, per, (p, ix) => p.gather(ix)),
    gatherLabels: hasLabels ? (indices) => gatherBy(indices, 1, (p, ix) => p.gatherLabels!(ix)) : undefined,
  };
}

/** A view of the images of `source` at `indices` (repeats allowed), without copying them. */
export function selectSource(source: ImageSource, indices: Uint32Array): ImageSource {
  for (const j of indices) {
    if (j >= source.count) throw new Error(`Image index ${j} is out of range; expected 0 <= index < ${source.count}.`);
  }
  const map = (ix: ArrayLike<number>) => Uint32Array.from({ length: ix.length }, (_, i) => indices[ix[i]]);
  return {
    count: indices.length,
    shape: source.shape,
    gather: (ix) => source.gather(map(ix)),
    gatherLabels: source.gatherLabels ? (ix) => source.gatherLabels!(map(ix)) : undefined,
  };
}

function partOf(starts: number[], j: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= j) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function range(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Quantises pixel values in [0, 1] to uint8 (round to nearest, clamped). */
export function quantize(values: Float32Array | Int32Array | Uint8Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i] * 255);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
