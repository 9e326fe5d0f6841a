import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { runExperiment } from '../../../lib/experiment.ts';
import { exportCsv, runsCsv } from '../../../lib/export/csv.ts';
import type { GenerationRecord } from '../../../lib/record.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { python, pythonWith } from '../../helpers/python.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let out: string;
let records: Record<string, GenerationRecord[]>;
beforeAll(async () => {
  await useTestBackend();
  out = join(await tempDir(), 'experiment');
  const data = await tinyMnist(100, 40);
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const result = await runExperiment({
    model: tinyVae,
    data,
    schemes: [parseScheme('replace'), parseScheme('accumulate')],
    generations: 2,
    epochs: 1,
    batchSize: 25,
    evalBatchSize: 40,
    seed: 2,
    out,
    stderr: sink,
    logEvery: 2,
  });
  records = Object.fromEntries(result.runs.map((r) => [r.scheme, r.records]));
});

describe('runsCsv', () => {
  it('has one row per generation of every scheme, with the scheme, seed and wall-clock fields on each', async () => {
    const t = await runsCsv([out]);
    expect(t.runs).toBe(2);
    const rows = parse(t.generations, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.run, r.scheme, r.seed, r.generation])).toEqual([
      ['replace', 'replace', '2', '1'],
      ['replace', 'replace', '2', '2'],
      ['accumulate', 'accumulate', '2', '1'],
      ['accumulate', 'accumulate', '2', '2'],
    ]);
    expect(Number(rows[3].testLoss)).toBe(records.accumulate[1].testLoss);
    expect(Number(rows[3].seconds)).toBe(records.accumulate[1].seconds);
    expect(JSON.parse(rows[0].epochLosses)).toEqual(records.replace[0].epochLosses);
    // replace has no real images after generation 1: an empty cell.
    expect(rows[1].trainLossReal).toBe('');
    const steps = parse(t.steps, { columns: true }) as Record<string, string>[];
    // 100 images in batches of 25: steps 2 and 4 of generation 1, 6 and 8 of replace's generation 2.
    expect(steps.filter((s) => s.scheme === 'replace').map((s) => [s.generation, s.step])).toEqual([
      ['1', '2'],
      ['1', '4'],
      ['2', '6'],
      ['2', '8'],
    ]);
  });

  it('loads in pandas with integer generations and float losses', async (ctx) => {
    const tools = await pythonWith('pandas');
    if (!tools.ok) return ctx.skip(tools.skip);
    const written = await exportCsv({ runs: [out] });
    expect(written.generations).toBe(join(out, 'generations.csv'));
    const code = `import pandas as pd, sys, json
g = pd.read_csv(sys.argv[1]); s = pd.read_csv(sys.argv[2])
print(json.dumps({"g": {c: str(t) for c, t in g.dtypes.items()}, "s": {c: str(t) for c, t in s.dtypes.items()}, "rows": len(g), "mean": g.groupby("scheme")["testLoss"].mean().to_dict()}))`;
    const r = JSON.parse(await python(code, [written.generations, written.steps]));
    expect(r.rows).toBe(4);
    for (const c of ['generation', 'seed', 'trainSize', 'numTensors']) expect(r.g[c]).toBe('int64');
    for (const c of ['trainLoss', 'testLoss', 'testRecon', 'testKl', 'trainLossReal', 'trainLossSynthetic', 'seconds'])
      expect(r.g[c]).toBe('float64');
    expect(r.s).toMatchObject({
      step: 'int64',
      generation: 'int64',
      epoch: 'int64',
      loss: 'float64',
      seconds: 'float64',
    });
    expect(r.mean.replace).toBeCloseTo((records.replace[0].testLoss + records.replace[1].testLoss) / 2, 6);
    expect(await readFile(written.steps, 'utf8')).toMatch(/^run,scheme,seed,step,generation,epoch,loss,seconds\n/);
  });
});
