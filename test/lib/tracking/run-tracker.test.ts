import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet } from '../../../data/images.ts';
import { createImageSet } from '../../../data/images.ts';
import { trainGenerations } from '../../../lib/generations.ts';
import { gridPng } from '../../../lib/report/grid.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import { configText, generationScalars } from '../../../lib/tracking/run-tracker.ts';
import type { GenerationRecord } from '../../../lib/record.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { pythonWith, readEventFolders } from '../../helpers/python.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(120, 60);
  root = await tempDir();
});

describe('generationScalars', () => {
  it('plots every finite number of a record, wall-clock fields apart, lists and counters left out', () => {
    const record = {
      generation: 2,
      scheme: 'replace',
      trainLoss: 1.5,
      testLoss: 2,
      epochLosses: [1, 2],
      numTensors: 40,
      seconds: 3,
      fid: 4.5,
      classHistogram: [1, 2],
      recall: Number.NaN,
    } as unknown as GenerationRecord;
    expect(generationScalars(record)).toEqual({
      'generation/trainLoss': 1.5,
      'generation/testLoss': 2,
      'generation/fid': 4.5,
      'timing/seconds': 3,
    });
  });

  it('writes the configuration as a Markdown table', () => {
    const text = configText({ config: { epochs: 2, scheme: 'a|b' }, seed: 5, backend: { name: 'wasm' } } as never);
    expect(text.split('\n')).toEqual([
      '| setting | value |',
      '|---|---|',
      '| epochs | 2 |',
      '| scheme | a\\|b |',
      '| seed | 5 |',
      '| backend | {"name":"wasm"} |',
    ]);
  });
});

describe('a run with tracking', () => {
  it('logs every logEvery-th step to steps.jsonl and writes steps, epochs, generations, metrics and grids to TensorBoard', async (ctx) => {
    const runDir = join(root, 'run');
    const grid = await gridPng(
      createImageSet(new Uint8Array(2 * 28 * 28).fill(90), [28, 28, 1]),
      Uint32Array.from([0, 1]),
    );
    const losses: (number | undefined)[] = [];
    const records = await trainGenerations({
      model: tinyVae,
      data,
      scheme: parseScheme('accumulate'),
      generations: 2,
      epochs: 2,
      batchSize: 40,
      evalBatchSize: 60,
      seed: 1,
      runDir,
      tensorboard: true,
      logEvery: 2,
      onBatch: (b) => losses.push(b.loss),
      analyze: async (a) => ({
        fields: { fid: 10 + a.generation, classHistogram: [1, 2] },
        files: { 'fixed-samples.png': grid },
      }),
    });
    // 120 images in batches of 40: 3 steps an epoch in generation 1, 6 in generation 2 (240 images).
    const steps = (await readFile(join(runDir, 'steps.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(steps.map((s) => [s.generation, s.epoch, s.step])).toEqual([
      [1, 1, 2],
      [1, 2, 4],
      [1, 2, 6],
      [2, 1, 8],
      [2, 1, 10],
      [2, 1, 12],
      [2, 2, 14],
      [2, 2, 16],
      [2, 2, 18],
    ]);
    for (const s of steps) expect(s.loss).toBeGreaterThan(0);
    // onBatch gets the loss on the logged steps only (steps 2, 4, 6 of each fit).
    expect(losses.slice(0, 6).map((l) => l !== undefined)).toEqual([false, true, false, true, false, true]);
    const tools = await pythonWith('tensorboard');
    if (!tools.ok) return ctx.skip(tools.skip);
    const tb = join(runDir, 'tensorboard');
    const read = (await readEventFolders([tb]))[tb];
    expect(read.scalars['train/step_loss'].map(([step]) => step)).toEqual(steps.map((s) => s.step));
    expect(read.scalars['train/step_loss'][0][1]).toBeCloseTo(steps[0].loss, 3);
    expect(read.scalars['train/epoch_loss'].map(([step]) => step)).toEqual([3, 6, 12, 18]);
    expect(read.scalars['train/epoch_loss'][3][1]).toBeCloseTo(records[1].trainLoss, 3);
    expect(read.scalars['generation/testLoss'].map(([g, v]) => [g, Math.round(v * 1000)])).toEqual(
      records.map((r) => [r.generation, Math.round(r.testLoss * 1000)]),
    );
    expect(read.scalars['generation/fid']).toEqual([
      [1, 11],
      [2, 12],
    ]);
    expect(read.images.samples.map(([g]) => g)).toEqual([1, 2]);
    expect(read.images['fixed-samples'].map(([g]) => g)).toEqual([1, 2]);
    expect(read.text.config[0]).toMatch(/\| scheme \| accumulate \|/);
  });

  it('refuses tensorboard: true without a run directory, naming both options', async () => {
    await expect(
      trainGenerations({ model: tinyVae, data, scheme: parseScheme('replace'), tensorboard: true }),
    ).rejects.toThrow(/tensorboard: true writes into the run directory, but there is none; expected runDir too/);
  });
});
