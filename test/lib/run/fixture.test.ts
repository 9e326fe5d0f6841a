/**
 * A run directory written by the code before the lib/run/ redesign (test/fixtures/run-v1/: two
 * generations and generation 3's epoch checkpoint in progress; run.json format 1, manifests format 1,
 * no run id) still loads, resumes from its epoch checkpoint to the numbers of an uninterrupted run,
 * and makes a report. Its generations are checked by the old rules; the ones a resume adds are bound
 * to the run's legacy identity and chained from its last legacy generation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createCollapseAnalysis, loadNetwork, parseScheme, readRun, trainGenerations, verifyRun, writeReport } from '../../../lib/index.ts';
import type { GenerationsOptions, ImageSet } from '../../../lib/index.ts';
import { FIXTURE_ANALYSIS, FIXTURE_DIR, FIXTURE_OPTIONS, fixtureData, fixtureModel } from '../../fixtures/run-v1.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tempDir } from '../../helpers/tmp.ts';

let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await fixtureData();
  root = await tempDir();
});

/** The fixture's run, with its own analysis (grids only), into `runDir`. */
async function train(runDir: string, over: Partial<GenerationsOptions> = {}) {
  const analysis = createCollapseAnalysis({ model: fixtureModel, seed: FIXTURE_OPTIONS.seed, ...FIXTURE_ANALYSIS });
  try {
    return await trainGenerations({ model: fixtureModel, data, scheme: parseScheme('accumulate'), runDir, ...FIXTURE_OPTIONS, analyze: analysis.analyze, ...over });
  } finally {
    analysis.dispose();
  }
}

const jsonl = (dir: string) => readFile(join(dir, 'generations.jsonl'), 'utf8');

describe('a run directory made before the redesign (test/fixtures/run-v1)', () => {
  it('loads as it is: two verified generations, their records, networks and analysis files', async () => {
    expect(await verifyRun(FIXTURE_DIR)).toMatchObject({ completed: 2, found: 2 });
    const run = await readRun(FIXTURE_DIR);
    expect(run.records.map((r) => r.generation)).toEqual([1, 2]);
    expect(run.records.map((r) => r.trainSize)).toEqual([40, 80]);
    expect(run.generations.map((g) => g.generation)).toEqual([1, 2]);
    const analysis = JSON.parse((await run.run.read(2, 'analysis.json')).toString('utf8'));
    expect(analysis.fixedSamples.count).toBe(10);
    expect(run.info.seed).toBe(3);
    const net = await loadNetwork(FIXTURE_DIR, 2);
    expect(net.outputs).toHaveLength(3);
    net.dispose();
  });

  it('resumes from its epoch checkpoint to the generations.jsonl of an uninterrupted run, and reports it', async () => {
    const dir = join(root, 'resumed');
    await cp(FIXTURE_DIR, dir, { recursive: true });
    const log: string[] = [];
    const records = await train(dir, { resume: true, log: (l) => log.push(l) });
    expect(log).toContain('Resuming generation 3 after epoch 1 of 2.');
    expect(log).toContain('This run was made before generations were bound to their run (collapse-lab-run/1): its 2 generations are checked by the old rules (files and record numbers); generations added now are bound to it.');
    expect(log.join('\n')).toMatch(/This run's run\.json \(format collapse-lab-run\/1\) does not record evalBatchSize, data, analysis; those settings are not checked on resume\./);
    // Generation 3 is bound to the legacy run's identity and chained from generation 2, which is left as it was.
    const info = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    const manifest = JSON.parse(await readFile(join(dir, 'gen-003', 'manifest.json'), 'utf8'));
    const previous = JSON.parse(await readFile(join(dir, 'gen-002', 'COMPLETE'), 'utf8')).manifestSha256;
    expect(manifest).toMatchObject({ format: 'collapse-lab-manifest/2', binding: { run: `legacy:${info.checksum}`, generation: 3, previous } });
    const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
    for (const f of ['run.json', 'gen-001/manifest.json', 'gen-002/manifest.json', 'gen-002/synthetic.u8']) expect(await sha(join(dir, f)), f).toBe(await sha(join(FIXTURE_DIR, f)));
    expect(await verifyRun(dir)).toEqual({ completed: 3, found: 3 });
    expect(records.map((r) => r.generation)).toEqual([1, 2, 3]);
    const whole = join(root, 'whole');
    await train(whole);
    // Generation 3 reaches the uninterrupted run's record; generations 1 and 2 keep the records they
    // were made with (from before records had trainLossReal / trainLossSynthetic).
    const line = async (d: string, g: number) => (await jsonl(d)).split('\n')[g - 1];
    expect(await line(dir, 3)).toBe(await line(whole, 3));
    const strip = (l: string) => JSON.stringify((({ trainLossReal: _r, trainLossSynthetic: _s, ...rest }) => rest)(JSON.parse(l)));
    for (const g of [1, 2]) expect(await line(dir, g)).toBe(strip(await line(whole, g)));
    // The first two generations were not touched by the resume.
    expect((await jsonl(dir)).split('\n').slice(0, 2)).toEqual((await jsonl(FIXTURE_DIR)).split('\n').slice(0, 2));
    expect((await readdir(dir)).filter((n) => n.startsWith('gen-')).sort()).toEqual(['gen-001', 'gen-002', 'gen-003']);
    const report = await writeReport({ runs: [dir], curves: false });
    expect(report.runs[0].records).toHaveLength(3);
    const html = await readFile(report.path, 'utf8');
    expect(html.match(/<tr data-generation=/g)).toHaveLength(3);
  });

  it('still finds a swap of its legacy generations (by their records), and a legacy folder in a bound run', async () => {
    const dir = join(root, 'swapped');
    await cp(FIXTURE_DIR, dir, { recursive: true });
    await rename(join(dir, 'gen-001'), join(dir, 'swap'));
    await rename(join(dir, 'gen-002'), join(dir, 'gen-001'));
    await rename(join(dir, 'swap'), join(dir, 'gen-002'));
    expect((await verifyRun(dir)).problem?.message).toBe(`${join(dir, 'gen-001', 'record.json')} is the record of generation 2; expected generation 1 in this folder (moved, renamed or swapped).`);
    // A legacy generation copied into a run of today's format is not this run's.
    const bound = join(root, 'whole-bound');
    await train(bound, { generations: 1 });
    await rm(join(bound, 'gen-001'), { recursive: true });
    await cp(join(FIXTURE_DIR, 'gen-001'), join(bound, 'gen-001'), { recursive: true });
    expect((await verifyRun(bound)).problem?.message).toMatch(/gen-001\/manifest\.json has format 'collapse-lab-manifest\/1' \(written before generations were bound to their run\) in a run whose generations are bound; expected generation 1 of this run \(copied from another run\?\)\.$/);
  });
});
