import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createImageSet } from '../../../data/images.ts';
import { gridPng } from '../../../lib/report/grid.ts';
import { createTensorBoardWriter, pngSize } from '../../../lib/tracking/tensorboard.ts';
import { pythonWith, readEventFolders } from '../../helpers/python.ts';
import { tempDir } from '../../helpers/tmp.ts';

let root: string;
let png: Uint8Array;
beforeAll(async () => {
  root = await tempDir();
  png = await gridPng(
    createImageSet(new Uint8Array(4 * 28 * 28).fill(200), [28, 28, 1]),
    Uint32Array.from([0, 1, 2, 3]),
  );
});

describe('createTensorBoardWriter', () => {
  it("reads a PNG's size from its header, as sharp does", async () => {
    const meta = await sharp(png).metadata();
    expect(pngSize(png)).toEqual({
      width: meta.width,
      height: meta.height,
      channels: meta.channels === 1 ? 1 : meta.channels,
    });
    expect(() => pngSize(new Uint8Array(30))).toThrow(/not a PNG/);
  });

  it('writes scalars, an image and text that TensorBoard reads back', async (ctx) => {
    const dir = join(root, 'run');
    const tb = await createTensorBoardWriter(dir);
    tb.scalars(1, { 'generation/testLoss': 180.5, 'generation/fid': Number.NaN });
    tb.scalars(2, { 'generation/testLoss': 170.25 });
    tb.image('samples', 1, png);
    tb.text('config', 0, '| setting | value |\n|---|---|\n| epochs | 2 |');
    await tb.flush();
    expect((await readdir(dir)).filter((n) => n.includes('tfevents'))).toHaveLength(1);
    const tools = await pythonWith('tensorboard');
    if (!tools.ok) return ctx.skip(tools.skip);
    const read = (await readEventFolders([dir]))[dir];
    expect(read.scalars['generation/testLoss']).toEqual([
      [1, 180.5],
      [2, 170.25],
    ]);
    // Not-a-number values are left out rather than drawn as gaps.
    expect(read.scalars['generation/fid']).toBeUndefined();
    expect(read.images.samples).toEqual([[1, pngSize(png).width, pngSize(png).height]]);
    expect(read.text.config[0]).toContain('| epochs | 2 |');
  });

  it('starts a new file per process and deletes only its own files when starting over', async () => {
    const dir = join(root, 'again');
    const first = await createTensorBoardWriter(dir);
    await first.flush();
    await new Promise((r) => setTimeout(r, 1100));
    await createTensorBoardWriter(dir);
    expect((await readdir(dir)).length).toBe(2);
    await createTensorBoardWriter(dir, { replace: true });
    expect((await readdir(dir)).length).toBe(1);
  });
});
