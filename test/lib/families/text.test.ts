import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadText } from '../../../data/text.ts';
import { runExperiment } from '../../../lib/experiment.ts';
import type { ExperimentOptions } from '../../../lib/experiment.ts';
import { buildFamily, checkFamilySettings } from '../../../lib/families/build.ts';
import { familyOf } from '../../../lib/families/index.ts';
import { formatTextTable } from '../../../lib/families/text-table.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tempDir } from '../../helpers/tmp.ts';

const quiet = () => new Writable({ write: (_c, _e, done) => done() });
let root: string;
let file: string;

beforeAll(async () => {
  await useTestBackend();
  root = await tempDir();
  file = join(root, 'book.txt');
  // The first 4,000 characters of Moby Dick: 3,600 of training text, 400 of test text.
  const moby = await loadText({ block: 8 });
  await writeFile(file, (moby.trainText.slice(0, 4000)));
});

const settings = () => ({ file, block: 8, trainChars: 1000, nLayer: 1, nHead: 2, nEmbd: 16, streams: 8, syntheticChars: 900 });

const base = (out: string, extra: Partial<ExperimentOptions> = {}): ExperimentOptions => ({
  family: 'text-gpt',
  settings: settings(),
  schemes: [parseScheme('replace'), parseScheme('accumulate')],
  generations: 3,
  epochs: 2,
  steps: 6,
  batchSize: 8,
  learningRate: 1e-2,
  out,
  backend: 'wasm',
  jobs: 1,
  stdout: quiet(),
  stderr: quiet(),
  ...extra,
});

describe('the text-gpt family', () => {
  it('checks its settings alone and together, naming the setting', () => {
    const text = familyOf('text-gpt');
    expect(checkFamilySettings(text)).toMatchObject({ corpus: 'moby-dick', block: 64, nLayer: 2, nHead: 4, nEmbd: 64, analysisBatchSize: 256 });
    expect(() => checkFamilySettings(text, { file, corpus: 'sotu' })).toThrow(/^file: .*book\.txt and corpus: sotu both name the text; expected one of them\.$/);
    expect(() => checkFamilySettings(text, { nLayer: 0 })).toThrow('nLayer 0 is not valid');
  });

  it('builds the windows, the GPT over their vocabulary, the synthetic size and the fresh default from its settings alone', async () => {
    const log = () => {};
    const built = await buildFamily('text-gpt', settings(), { freshPool: true, log, seed: 0, analysis: true });
    // 1000 characters are 111 windows of 9; the 2,600 characters after them 288; 900 synthetic characters 100 windows.
    expect([built.data.train.count, built.data.freshPool?.count, built.syntheticSize, built.freshSize]).toEqual([111, 288, 100, 11]);
    expect(built.config).toMatchObject({ dataset: 'text-file', trainChars: 1000, testChars: 400 });
    const model = built.model({ seed: 1 });
    expect(model.config).toMatchObject({ kind: 'gpt', block: 8, nLayer: 1, vocabSize: built.config.vocabSize });
    model.dispose();
    expect(built.analysis?.settings).toEqual({ kind: 'text', batchSize: 256 });
    built.analysis?.dispose();
    await expect(buildFamily('text-gpt', { ...settings(), syntheticChars: 5 }, { freshPool: false, log, seed: 0, analysis: false })).rejects.toThrow(
      'syntheticChars 5 holds no window of block + 1 = 9 characters; expected at least 9.',
    );
    expect(await familyOf('text-gpt').trainCount!(settings())).toBe(111);
  });
});

describe('runExperiment with the text-gpt family', () => {
  it('trains the GPT through the generational loop and records the text analysis in every generation', async () => {
    const out = join(root, 'whole');
    const result = await runExperiment(base(out, { report: true }));
    expect(result.runs.map((r) => r.scheme)).toEqual(['replace', 'accumulate']);
    const [replace, accumulate] = result.runs.map((r) => r.records);
    // 1000 characters are 111 windows of 9; 900 synthetic characters are 100 windows.
    expect(accumulate.map((r) => r.trainSize)).toEqual([111, 211, 311]);
    expect(replace.map((r) => r.trainSize)).toEqual([111, 100, 100]);
    expect(replace[0].testLoss).toBe(accumulate[0].testLoss);
    for (const r of [...replace, ...accumulate]) {
      expect(r.testLoss).toBeGreaterThan(0);
      expect(r.pplMean as number).toBeGreaterThanOrEqual(r.pplMedian as number);
      expect(r.pplP99 as number).toBeGreaterThanOrEqual(r.pplP90 as number);
      expect(r.pplMax as number).toBeGreaterThanOrEqual(r.pplP99 as number);
      expect((r.pplHistogram as number[]).reduce((a, b) => a + b, 0)).toBe(100);
      for (const k of ['distinct1', 'distinct2', 'distinct3', 'distinct4', 'distinctWords', 'knownWords']) expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r.distinct4 as number).toBeGreaterThanOrEqual(r.distinct1 as number);
      expect((r.sampleText as string).length).toBe(300);
    }
    // No tensor growth from one generation to the next.
    expect(new Set(accumulate.map((r) => r.numTensors)).size).toBe(1);
    const dir = join(out, 'replace');
    const sample = await readFile(join(dir, 'gen-002', 'sample.txt'), 'utf8');
    expect(sample.startsWith(replace[1].sampleText as string)).toBe(true);
    const info = JSON.parse(await readFile(join(dir, 'gen-001', 'text-analysis.json'), 'utf8'));
    expect(info.pplEdges[0]).toBe(1);
    expect(info.realTest.windows).toBe(44);
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(run.config).toMatchObject({ steps: 6, dataset: 'text-file', vocabSize: result.data?.vocabSize, trainChars: 1000, model: { kind: 'gpt', block: 8, nLayer: 1 } });
    // The report shows the text panel: Figure 3 per run, the perplexity curves, the sample text.
    const html = await readFile(result.report!, 'utf8');
    expect(html).toContain('<h2 id="text">Text</h2>');
    expect(html).toContain('<table class="text-samples">');
    expect(html).not.toContain('<th>sampleText</th>');
    const files = await readdir(join(out, 'report-files'));
    expect(files).toEqual(expect.arrayContaining(['text-1-perplexity.png', 'text-2-perplexity.svg', 'text-pplP99.png']));
    expect(formatTextTable(result.runs).split('\n')[0]).toMatch(/^gen\s+replace test\s+bits\/char\s+ppl mean\s+ppl p99\s+accumulate test/);
  });

  it('resumes a run stopped in the middle of generation 2 to the same records and the same text', async () => {
    const whole = join(root, 'whole');
    const cut = join(root, 'cut');
    const controller = new AbortController();
    // Stopped at the first batch of generation 2's second epoch: its first epoch is checkpointed.
    const batch = (_label: string, c: { generation?: number; epoch: number }) => {
      if (c.generation === 2 && c.epoch === 2) controller.abort();
    };
    const progress = { startGeneration: () => {}, batch, epochEnd: () => {}, log: () => {}, stop: () => {} };
    await expect(runExperiment(base(cut, { schemes: [parseScheme('accumulate')], signal: controller.signal, progress }))).rejects.toThrow(/aborted/);
    const left = await readdir(join(cut, 'accumulate'));
    expect(left.filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002.epoch-0001']);
    await runExperiment(base(cut, { schemes: [parseScheme('accumulate')], resume: true }));
    const read = (d: string, f: string) => readFile(join(d, 'accumulate', f), 'utf8');
    expect(await read(cut, 'generations.jsonl')).toBe(await read(whole, 'generations.jsonl'));
    expect(await read(cut, 'gen-003/sample.txt')).toBe(await read(whole, 'gen-003/sample.txt'));
  });
});
