/**
 * The configuration run.json records (resolveOptions' runInfo.config) holds everything that changes
 * a number or a record, so that a resume with any of them changed is refused: the audit is a table
 * of every such option, each changed in turn.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createImageSet } from '../../data/images.ts';
import type { ImageSet } from '../../data/images.ts';
import { runExperiment } from '../../lib/experiment.ts';
import { trainGenerations } from '../../lib/generations.ts';
import { configDifferences, readRunInfo } from '../../lib/run/info.ts';
import { resolveOptions, RUN_CONFIG_KEYS } from '../../lib/resolve.ts';
import type { GenerationsOptions } from '../../lib/resolve.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { createVae } from '../../models/vae.ts';
import { createConvVae } from '../../models/conv-vae.ts';
import { Writable } from 'node:stream';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(60, 30);
  root = await tempDir();
});

const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae,
  data,
  scheme: parseScheme('replace'),
  generations: 1,
  epochs: 1,
  batchSize: 30,
  evalBatchSize: 30,
  seed: 1,
  ...over,
});
const configOf = async (o: GenerationsOptions) => (await resolveOptions(o)).runInfo.config;

describe('the configuration run.json records', () => {
  it("holds the run's own settings and a digest of each data set", async () => {
    const config = await configOf(base());
    // freshPoolSize is recorded by scheme 'fresh' only (below), steps only when given.
    expect(Object.keys(config).sort()).toEqual(
      [...RUN_CONFIG_KEYS.filter((k) => k !== 'freshPoolSize' && k !== 'steps'), 'analysis'].sort(),
    );
    expect(config.data).toEqual({
      train: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      test: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(config).toMatchObject({
      evalBatchSize: 30,
      analysis: 'none',
      model: { kind: 'vae', hidden: [32], latentDim: 4, sampling: 'mean' },
    });
  });

  // Scheme 'fresh' draws from a pool; its images here are copies of training images (only the configuration is read).
  const pool = (): ImageSet => createImageSet(data.train.pixels.slice(0, 20 * 784), data.train.shape);
  const fresh = (over: Partial<GenerationsOptions> = {}): GenerationsOptions =>
    base({
      scheme: parseScheme('fresh', { freshSize: 10 }),
      generations: 2,
      data: { ...data, freshPool: pool() },
      ...over,
    });

  it("records scheme 'fresh's pool: its size and a digest of its images", async () => {
    const config = await configOf(fresh());
    expect(Object.keys(config).sort()).toEqual([...RUN_CONFIG_KEYS.filter((k) => k !== 'steps'), 'analysis'].sort());
    expect(config).toMatchObject({
      scheme: 'fresh-10',
      freshPoolSize: 20,
      data: { freshPool: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
    });
  });

  // Every option that changes a number or a record, changed in turn: each must show in the configuration.
  const flipped = (p: ImageSet): ImageSet => {
    const pixels = p.pixels.slice();
    pixels[100] ^= 1;
    return createImageSet(pixels, p.shape);
  };
  const changes: [string, () => Partial<GenerationsOptions>][] = [
    ['epochs', () => ({ epochs: 2 })],
    ['batchSize', () => ({ batchSize: 20 })],
    ['learningRate', () => ({ learningRate: 5e-4 })],
    ['syntheticSize', () => ({ syntheticSize: 50 })],
    ['evalBatchSize', () => ({ evalBatchSize: 20 })],
    // warmStart needs a run directory (resolveOptions writes nothing there).
    ['warmStart', () => ({ warmStart: true, runDir: '/nonexistent/collapse-lab-run' })],
    ['scheme', () => ({ scheme: parseScheme('mix', 0.5) })],
    ['model (hidden sizes)', () => ({ model: (i) => createVae({ hidden: [16], latentDim: 4, seed: i.seed }) })],
    [
      'model (sampling)',
      () => ({ model: (i) => createVae({ hidden: [32], latentDim: 4, sampling: 'bernoulli', seed: i.seed }) }),
    ],
    [
      'model (sampling temperature)',
      () => ({ model: (i) => createVae({ hidden: [32], latentDim: 4, samplingTemperature: 0.5, seed: i.seed }) }),
    ],
    [
      'model (threshold sampling)',
      () => ({ model: (i) => createVae({ hidden: [32], latentDim: 4, sampling: 'threshold', seed: i.seed }) }),
    ],
    [
      'model (architecture)',
      () => ({ model: (i) => createConvVae({ imageShape: [28, 28, 1], latentDim: 4, seed: i.seed }) }),
    ],
    ['the training images (same count)', () => ({ data: { train: flipped(data.train), test: data.test } })],
    ['the test images (same count)', () => ({ data: { train: data.train, test: flipped(data.test) } })],
    ['an analysis hook', () => ({ analyze: async () => ({}) })],
    ["the caller's own settings", () => ({ config: { dataset: 'other' } })],
  ];
  for (const [what, change] of changes) {
    it(`records ${what}`, async () => {
      const diff = configDifferences(await configOf(base()), await configOf(base(change())));
      expect(diff.length, what).toBeGreaterThan(0);
    });
  }
  const freshChanges: [string, () => Partial<GenerationsOptions>][] = [
    ['freshSize', () => ({ scheme: parseScheme('fresh', { freshSize: 5 }) })],
    ["the fresh pool's images (same count)", () => ({ data: { ...data, freshPool: flipped(pool()) } })],
    [
      "the fresh pool's size",
      () => ({ data: { ...data, freshPool: createImageSet(data.train.pixels.slice(0, 25 * 784), data.train.shape) } }),
    ],
  ];
  for (const [what, change] of freshChanges) {
    it(`records scheme 'fresh's ${what}`, async () => {
      const diff = configDifferences(await configOf(fresh()), await configOf(fresh(change())));
      expect(diff.length, what).toBeGreaterThan(0);
    });
  }

  it('refuses a resume with another evalBatchSize, other images or the analysis turned off', async () => {
    const dir = join(root, 'made');
    await trainGenerations(base({ runDir: dir, analyze: async () => ({ fields: { mine: 1 } }) }));
    await expect(
      trainGenerations(base({ runDir: dir, resume: true, evalBatchSize: 20, analyze: async () => ({}) })),
    ).rejects.toThrow(/was made with another configuration \(evalBatchSize was 30, now 20\)/);
    await expect(trainGenerations(base({ runDir: dir, resume: true }))).rejects.toThrow(
      /was made with another configuration \(analysis was "analyze hook", now "none"\)/,
    );
    await expect(
      trainGenerations(
        base({
          runDir: dir,
          resume: true,
          analyze: async () => ({}),
          data: { train: flipped(data.train), test: data.test },
        }),
      ),
    ).rejects.toThrow(
      /was made with another configuration \(data\.train was "sha256:[0-9a-f]+", now "sha256:[0-9a-f]+"\)/,
    );
  });

  it('an experiment records its collapse analysis settings (metrics on or off)', async () => {
    const out = join(root, 'exp');
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    await runExperiment({
      ...base(),
      schemes: [parseScheme('replace')],
      out,
      analysis: { metrics: false, fixedDraws: 10 },
      stderr: quiet,
    });
    expect((await readRunInfo(join(out, 'replace'))).config.analysis).toEqual({
      metrics: false,
      fixedDraws: 10,
      batchSize: 1000,
    });
    await expect(
      runExperiment({ ...base(), schemes: [parseScheme('replace')], out, resume: true, stderr: quiet }),
    ).rejects.toThrow(/analysis was \{"metrics":false,"fixedDraws":10,"batchSize":1000\}, now "none"/);
  });
});
