import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { pythonWith, readEventFolders } from '../helpers/python.ts';
import { tempDir } from '../helpers/tmp.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir();
});

describe('vae-mnist --tensorboard', () => {
  it("writes event files for both schemes that TensorBoard's own reader lists: step, epoch and generation scalars, grids and the configuration", async (ctx) => {
    const out = join(root, 'quick');
    // The quick preset at a tiny size; the collapse metrics' classifier would take minutes to train here.
    const args = [
      '--preset',
      'quick',
      '--tensorboard',
      '--train-size',
      '200',
      '--test-size',
      '100',
      '--generations',
      '2',
      '--epochs',
      '1',
      '--hidden',
      '32',
      '--latent-dim',
      '4',
      '--batch-size',
      '50',
      '--log-every',
      '2',
      '--no-metrics',
      '--out',
      out,
    ];
    const r = await runCli('vae-mnist', args);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const tools = await pythonWith('tensorboard');
    if (!tools.ok) return ctx.skip(tools.skip);
    const folders = ['replace', 'accumulate'].map((s) => join(out, s, 'tensorboard'));
    const read = await readEventFolders(folders);
    for (const f of folders) {
      const { scalars, images, text } = read[f];
      expect(scalars['train/step_loss'].length).toBeGreaterThan(0);
      expect(scalars['train/epoch_loss'].length).toBe(2);
      expect(scalars['generation/testLoss'].map(([g]) => g)).toEqual([1, 2]);
      expect(scalars['generation/trainLoss'].map(([g]) => g)).toEqual([1, 2]);
      expect(Object.keys(images).sort()).toEqual(['fixed-samples', 'reconstructions', 'samples']);
      expect(images.samples.map(([g]) => g)).toEqual([1, 2]);
      expect(text.config[0]).toMatch(/\| epochs \| 1 \|/);
    }
    // Generation 1 is the same under both schemes; generation 2 trains on 200 vs 400 images.
    expect(read[folders[0]].scalars['generation/trainSize']).toEqual([
      [1, 200],
      [2, 200],
    ]);
    expect(read[folders[1]].scalars['generation/trainSize']).toEqual([
      [1, 200],
      [2, 400],
    ]);
  });

  it('--tensorboard DIR writes one folder per scheme under DIR', async (ctx) => {
    const out = join(root, 'dir');
    const tb = join(root, 'tb');
    const r = await runCli('vae-mnist', [
      '--scheme',
      'replace',
      '--tensorboard',
      tb,
      '--train-size',
      '100',
      '--test-size',
      '50',
      '--generations',
      '1',
      '--epochs',
      '1',
      '--hidden',
      '16',
      '--latent-dim',
      '2',
      '--batch-size',
      '50',
      '--no-metrics',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const tools = await pythonWith('tensorboard');
    if (!tools.ok) return ctx.skip(tools.skip);
    const folder = join(tb, 'replace');
    expect((await readEventFolders([folder]))[folder].scalars['generation/testLoss']).toHaveLength(1);
  });
});
