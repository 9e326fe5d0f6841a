/** Sample grids: images tiled into one PNG (encoded by sharp). */
import { sharpModule } from '../../data/sharp.ts';
import { pixelsPerImage } from '../../data/images.ts';
import type { ImageSource } from '../../data/images.ts';

/** How gridPng lays images out: columns, scale and gap. */
export interface GridOptions {
  /** Images per row. Defaults to 10. */
  columns?: number;
  /** Pixels of background between cells. Defaults to 2. */
  gap?: number;
  /** Scale factor applied to the whole grid (nearest neighbour). Defaults to 2. */
  scale?: number;
}

/** The images at `indices` tiled row by row into a PNG. */
export async function gridPng(
  source: ImageSource,
  indices: ArrayLike<number>,
  options: GridOptions = {},
): Promise<Uint8Array> {
  const columns = options.columns ?? 10;
  const gap = options.gap ?? 2;
  const scale = options.scale ?? 2;
  const [h, w, c] = source.shape;
  const n = indices.length;
  if (n === 0) throw new Error('A sample grid needs at least one image.');
  const rows = Math.ceil(n / columns);
  const width = columns * w + (columns + 1) * gap;
  const height = rows * h + (rows + 1) * gap;
  const canvas = new Uint8Array(width * height * c).fill(64);
  const pixels = source.gather(indices);
  const per = pixelsPerImage(source.shape);
  for (let k = 0; k < n; k++) {
    const x0 = gap + (k % columns) * (w + gap);
    const y0 = gap + Math.floor(k / columns) * (h + gap);
    for (let y = 0; y < h; y++) {
      const src = k * per + y * w * c;
      canvas.set(pixels.subarray(src, src + w * c), ((y0 + y) * width + x0) * c);
    }
  }
  const sharp = await sharpModule();
  const png = await sharp(canvas, { raw: { width, height, channels: c as 1 | 3 | 4 } })
    .resize(width * scale, height * scale, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}
