/**
 * Run-level pictures (the survey's Figure 9): one row per generation, one column per digit, built
 * from the small uint8 files the analysis writes into each gen-NNN/.
 */
import { createImageSet, pixelsPerImage, range } from '../../data/images.ts';
import { ANALYSIS_FILES } from '../run/layout.ts';
import { gridPng } from './grid.ts';
import type { GridOptions } from './grid.ts';
import type { RunSummary } from './runs.ts';

export type GenerationPicture = 'reconstructions' | 'fixed-samples';

/** The uint8 file each picture is built from. */
const SOURCE: Record<GenerationPicture, string> = {
  reconstructions: ANALYSIS_FILES.reconstructions,
  'fixed-samples': ANALYSIS_FILES.fixedSamples,
};

export interface GenerationGrid {
  png: Uint8Array;
  /** What each row shows, top to bottom (e.g. "real", "gen 1", ...). */
  rows: string[];
  columns: number;
  /** Pixel geometry of the PNG, so a page can line labels up with the rows. */
  rowPitch: number;
  top: number;
}

export interface GenerationGridOptions extends GridOptions {
  /** Columns (digits or fixed draws) per row. Defaults to 10. */
  columns?: number;
}

/**
 * 'reconstructions': a first row of the ten real test digits, then each generation's
 * reconstructions of them. 'fixed-samples': the first `columns` fixed latent draws of each
 * generation. Null when no generation of the run has the file (a run without analysis).
 */
export async function generationGrid(
  run: RunSummary,
  picture: GenerationPicture,
  options: GenerationGridOptions = {},
): Promise<GenerationGrid | null> {
  const columns = options.columns ?? 10;
  const scale = options.scale ?? 2;
  const gap = options.gap ?? 2;
  const shape = run.analyses.find((a) => a)?.imageShape;
  if (!shape) return null;
  const per = pixelsPerImage(shape);
  const rows: string[] = [];
  const chunks: Uint8Array[] = [];
  const blank = new Uint8Array(columns * per);
  for (let g = 1; g <= run.records.length; g++) {
    const a = run.analyses[g - 1];
    let bytes: Uint8Array | null = null;
    if (a && (picture === 'reconstructions' || a.fixedSamples)) {
      bytes = new Uint8Array(await run.run.read(g, SOURCE[picture]));
    }
    if (picture === 'reconstructions') {
      const n = a?.reconstructions.count ?? columns;
      if (rows.length === 0 && bytes) {
        rows.push('real');
        chunks.push(fit(bytes.subarray(0, n * per), columns * per));
      }
      chunks.push(bytes ? fit(bytes.subarray(n * per, 2 * n * per), columns * per) : blank);
    } else {
      chunks.push(bytes ? fit(bytes.subarray(0, columns * per), columns * per) : blank);
    }
    rows.push(`gen ${g}`);
  }
  if (rows.length === 0 || (picture === 'fixed-samples' && run.analyses.every((a) => !a?.fixedSamples))) return null;
  const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  const set = createImageSet(all, shape);
  const png = await gridPng(set, range(set.count), { columns, scale, gap });
  return { png, rows, columns, rowPitch: (shape[0] + gap) * scale, top: gap * scale };
}

/** Pads (with black) or cuts `bytes` to exactly `length`. */
function fit(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, length));
  return out;
}
