import { beforeAll, describe, expect, it } from 'vitest';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRun, loadRuns } from '../../../lib/report/runs.ts';
import { expandRunDirs } from '../../../lib/run/read.ts';
import { schemeRank } from '../../../lib/schemes.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { writeFakeRun } from './fixture.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir();
  await writeFakeRun(join(root, 'exp', 'replace'), { generations: [{}, {}, {}] });
  await writeFakeRun(join(root, 'exp', 'accumulate'), { scheme: 'accumulate', generations: [{}, {}], analysis: false });
});

describe('report runs', () => {
  it('reads config, complete generations and analysis files', async () => {
    const r = await loadRun(join(root, 'exp', 'replace'));
    expect([r.kind, r.scheme, r.seed, r.label]).toEqual(['vae', 'replace', 0, 'vae replace (seed 0)']);
    expect(r.records.map((x) => x.generation)).toEqual([1, 2, 3]);
    expect(r.analyses.every((a) => a?.reconstructions.count === 10)).toBe(true);
    const acc = await loadRun(join(root, 'exp', 'accumulate'));
    expect(acc.analyses).toEqual([null, null]);
  });

  it('ignores a generation without COMPLETE', async () => {
    const dir = await writeFakeRun(join(root, 'partial'), { generations: [{}, {}] });
    await rm(join(dir, 'gen-002', 'COMPLETE'));
    expect((await loadRun(dir)).records).toHaveLength(1);
  });

  it('expands an experiment folder into its runs and keeps run folders as they are', async () => {
    // Scheme folders come in the survey's order, replace first.
    expect(await expandRunDirs([join(root, 'exp')], schemeRank)).toEqual([join(root, 'exp', 'replace'), join(root, 'exp', 'accumulate')]);
    expect(await expandRunDirs([join(root, 'exp', 'replace')])).toEqual([join(root, 'exp', 'replace')]);
  });

  it('makes labels unique when two runs share kind, scheme and seed', async () => {
    const other = await writeFakeRun(join(root, 'again', 'replace'), { generations: [{}] });
    const runs = await loadRuns([join(root, 'exp', 'replace'), other]);
    expect(new Set(runs.map((r) => r.label)).size).toBe(2);
  });

  it('says what is wrong with a folder that is not a run', async () => {
    await mkdir(join(root, 'empty'), { recursive: true });
    await expect(loadRun(join(root, 'empty'))).rejects.toThrow(/is not a run directory .*expected a folder with run.json/);
    await expect(expandRunDirs([join(root, 'empty')])).rejects.toThrow(/holds no run.json and no run directories/);
    await expect(expandRunDirs([join(root, 'nowhere')])).rejects.toThrow(/does not exist/);
  });
});
