import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runExperiment } from '../../lib/experiment.ts';
import type { ExperimentOptions } from '../../lib/experiment.ts';
import { parseScheme } from '../../lib/schemes.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyWorkerSetup } from '../helpers/worker-setup.ts';

const SIZES = { trainSize: 120, testSize: 40 };
let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  [, data, root] = await Promise.all([useTestBackend(), tinyMnist(SIZES.trainSize, SIZES.testSize), tempDir()]);
});
const sink = () => new Writable({ write: (_c, _e, done) => done() });

describe("runExperiment's hooks", () => {
  for (const jobs of [1, 2]) {
    it(`reach the caller with the scheme, the generation and the logged losses (jobs: ${jobs})`, async () => {
      const events: string[] = [];
      const losses: number[] = [];
      const options: ExperimentOptions = {
        model: tinyVae,
        data,
        schemes: [parseScheme('replace'), parseScheme('accumulate')],
        generations: 2,
        epochs: 1,
        batchSize: 40,
        evalBatchSize: 40,
        seed: 4,
        out: join(root, `jobs-${jobs}`),
        stderr: sink(),
        jobs,
        workerSetup: tinyWorkerSetup(SIZES),
        logEvery: 3,
        onGenerationStart: (c) => {
          events.push(`start ${c.scheme} ${c.generation} ${c.trainSize}`);
        },
        onBatch: (c) => {
          if (c.loss !== undefined) losses.push(c.loss);
          events.push(`batch ${c.scheme} ${c.generation} ${c.step}`);
        },
        onEpochEnd: (c) => {
          events.push(`epoch ${c.scheme} ${c.generation} ${c.epoch}`);
        },
      };
      await runExperiment(options);
      const of = (scheme: string) => events.filter((e) => e.split(' ')[1] === scheme);
      expect(of('replace')).toEqual([
        'start replace 1 120',
        'batch replace 1 1',
        'batch replace 1 2',
        'batch replace 1 3',
        'epoch replace 1 1',
        'start replace 2 120',
        'batch replace 2 1',
        'batch replace 2 2',
        'batch replace 2 3',
        'epoch replace 2 1',
      ]);
      expect(of('accumulate').filter((e) => e.startsWith('start'))).toEqual([
        'start accumulate 1 120',
        'start accumulate 2 240',
      ]);
      // Step 3 of each fit (and step 6 of accumulate's second, on 240 images).
      expect(losses).toHaveLength(5);
      for (const l of losses) expect(l).toBeGreaterThan(0);
    });
  }
});
