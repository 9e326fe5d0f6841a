import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runExperiment } from '../../lib/experiment.ts';
import type { ExperimentOptions } from '../../lib/experiment.ts';
import { OptionError } from '../../lib/options.ts';
import { parseScheme } from '../../lib/schemes.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { classifierDigest, trainClassifier } from '../../lib/metrics/classifier.ts';
import type { Classifier } from '../../lib/metrics/classifier.ts';
import { tempDir } from '../helpers/tmp.ts';
import { tinyWorkerSetup } from '../helpers/worker-setup.ts';

const SIZES = { trainSize: 120, testSize: 40 };
const workerSetup = tinyWorkerSetup(SIZES);

let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(SIZES.trainSize, SIZES.testSize);
  root = await tempDir();
});

const sink = () => new Writable({ write: (_c, _e, done) => done() });
const base = (out: string, over: Partial<ExperimentOptions> = {}): ExperimentOptions => ({
  model: tinyVae,
  data,
  schemes: [parseScheme('replace'), parseScheme('mix', 0.5)],
  generations: 2,
  epochs: 1,
  batchSize: 40,
  evalBatchSize: 40,
  seed: 4,
  out,
  stderr: sink(),
  ...over,
});
const jsonl = (dir: string) => readFile(join(dir, 'generations.jsonl'), 'utf8');

describe('runExperiment', () => {
  it('runs the schemes side by side in worker processes (jobs: 2) with the numbers of a run in this process', async () => {
    const seen: string[] = [];
    const one = await runExperiment(base(join(root, 'one')));
    const two = await runExperiment(
      base(join(root, 'two'), {
        jobs: 2,
        workerSetup,
        onGenerationEnd: (r) => {
          seen.push(`${r.scheme} ${r.generation}`);
        },
      }),
    );
    expect(two.runs.map((r) => r.scheme)).toEqual(['replace', 'mix-0.5']);
    expect(two.runs.map((r) => r.records.map((x) => x.testLoss))).toEqual(
      one.runs.map((r) => r.records.map((x) => x.testLoss)),
    );
    for (const name of ['replace', 'mix-0.5'])
      expect(await jsonl(join(root, 'two', name))).toBe(await jsonl(join(root, 'one', name)));
    expect(seen.sort()).toEqual(['mix-0.5 1', 'mix-0.5 2', 'replace 1', 'replace 2']);
  });

  it("checks every scheme's output folder before any scheme writes (jobs 1 and 2)", async () => {
    for (const jobs of [1, 2]) {
      const out = join(root, `half-${jobs}`);
      await mkdir(out);
      await writeFile(join(out, 'mix-0.5'), 'a file in the way\n');
      const err = await runExperiment(base(out, { jobs, workerSetup })).catch((e: Error) => e);
      expect(err).toBeInstanceOf(OptionError);
      expect((err as Error).message).toMatch(/Output path .*half-\d\/mix-0\.5 is not a folder/);
      expect((await readdir(out)).sort()).toEqual(['mix-0.5']);
    }
  });

  it('refuses a bad setting of the second scheme before the first starts', async () => {
    const out = join(root, 'late');
    // mix-0.1 keeps 12 real images of 120 and needs 108 synthetic ones; 5 are too few. replace is fine.
    const err = await runExperiment(
      base(out, { schemes: [parseScheme('replace'), parseScheme('mix', 0.1)], syntheticSize: 5 }),
    ).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /Scheme mix-0\.1 needs 108 synthetic images per generation but syntheticSize is 5; expected at least 108/,
    );
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('needs a workerSetup for jobs > 1, and says so naming the options', async () => {
    await expect(runExperiment(base(join(root, 'nosetup'), { jobs: 2 }))).rejects.toThrow(
      /jobs 2 needs workerSetup .*; expected jobs: 1 or a workerSetup/,
    );
  });

  it("records the metrics classifier's digest in run.json and refuses a resume that would measure with another", async () => {
    const labelled = await tinyMnist(200, 100);
    const [a, b] = await Promise.all(
      [0, 1].map((seed) =>
        trainClassifier({ hidden: [16, 8], epochs: 1, batchSize: 50, maxShift: 0, seed, ...labelled }),
      ),
    );
    // The analysis disposes of its classifier at the end of the experiment: the test keeps its own.
    const given = (c: Classifier) => ({
      classifier: async () => ({ ...c, dispose: () => {} }),
      metricSamples: 20,
      fixedDraws: 10,
      batchSize: 40,
    });
    const out = join(root, 'measured');
    const one = { schemes: [parseScheme('replace')], generations: 1 };
    await runExperiment(base(out, { ...one, analysis: given(a) }));
    const run = join(out, 'replace');
    const config = JSON.parse(await readFile(join(run, 'run.json'), 'utf8')).config;
    expect(config.analysis.classifierDigest).toBe(await classifierDigest(a));
    expect(await classifierDigest(b)).not.toBe(await classifierDigest(a));
    const before = { log: await jsonl(run), entries: (await readdir(run)).sort() };
    const err = await runExperiment(base(out, { ...one, generations: 2, resume: true, analysis: given(b) })).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(OptionError);
    expect((err as Error).message).toMatch(
      /^Run directory .*measured\/replace was measured with the classifier sha256:[0-9a-f]{64}, not with the one analysis\.classifier gives \(sha256:[0-9a-f]{64}\); expected the classifier the run was made with to resume it/,
    );
    expect({ log: await jsonl(run), entries: (await readdir(run)).sort() }).toEqual(before);
    const resumed = await runExperiment(base(out, { ...one, generations: 2, resume: true, analysis: given(a) }));
    expect(resumed.runs[0].records.map((r) => r.generation)).toEqual([1, 2]);
    a.dispose();
    b.dispose();
  });
});
