import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { join } from 'node:path';
import { generationGrid } from '../../../lib/report/grids.ts';
import { loadRun } from '../../../lib/report/runs.ts';
import type { RunSummary } from '../../../lib/report/runs.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

let run: RunSummary;
let bare: RunSummary;
beforeAll(async () => {
  const root = await tempDir();
  run = await loadRun(await writeFakeRun(join(root, 'r'), { generations: [{}, {}, {}] }));
  bare = await loadRun(await writeFakeRun(join(root, 'b'), { generations: [{}], analysis: false }));
});

/** Grey level of the centre pixel of cell (row, col) of a grid made with scale 1, gap 1, 4x4 images. */
async function cell(png: Uint8Array, row: number, col: number): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const x = 1 + col * 5 + 2;
  const y = 1 + row * 5 + 2;
  return data[(y * info.width + x) * info.channels];
}

describe('generationGrid', () => {
  it('puts the real digits on top and one row of reconstructions per generation', async () => {
    const g = (await generationGrid(run, 'reconstructions', { scale: 1, gap: 1 }))!;
    expect(g.rows).toEqual(['real', 'gen 1', 'gen 2', 'gen 3']);
    const meta = await sharp(g.png).metadata();
    expect([meta.width, meta.height]).toEqual([10 * 5 + 1, 4 * 5 + 1]);
    expect(await cell(g.png, 0, 3)).toBe(255);
    expect(await cell(g.png, 1, 0)).toBe(10);
    expect(await cell(g.png, 3, 9)).toBe(30);
    expect([g.rowPitch, g.top]).toEqual([5, 1]);
  });

  it('takes the first columns of the fixed draws of every generation', async () => {
    const g = (await generationGrid(run, 'fixed-samples', { scale: 1, gap: 1, columns: 6 }))!;
    expect(g.rows).toEqual(['gen 1', 'gen 2', 'gen 3']);
    expect((await sharp(g.png).metadata()).width).toBe(6 * 5 + 1);
    expect(await cell(g.png, 2, 5)).toBe(30);
  });

  it('is null for a run without analysis', async () => {
    expect(await generationGrid(bare, 'reconstructions')).toBeNull();
    expect(await generationGrid(bare, 'fixed-samples')).toBeNull();
  });
});
