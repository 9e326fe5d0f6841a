import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { runExperiment } from '../../lib/experiment.ts';
import { parseScheme } from '../../lib/schemes.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

let out: string;
beforeAll(async () => {
  await useTestBackend();
  out = join(await tempDir(), 'exp');
  const sink = new Writable({ write: (_c, _e, done) => done() });
  await runExperiment({
    model: tinyVae,
    data: await tinyMnist(60, 20),
    schemes: [parseScheme('replace'), parseScheme('accumulate')],
    generations: 2,
    epochs: 1,
    batchSize: 30,
    evalBatchSize: 20,
    seed: 1,
    out,
    stderr: sink,
    logEvery: 1,
  });
});

describe('scripts/export.ts', () => {
  it('writes generations.csv and steps.csv of an experiment folder and prints their paths', async () => {
    const r = await runCli('export', [out, '--csv']);
    expect(r.stderr).toBe('4 generation rows of 2 runs.\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${join(out, 'generations.csv')}\n${join(out, 'steps.csv')}\n`);
    const rows = parse(await readFile(join(out, 'generations.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((x) => `${x.scheme} ${x.generation} ${x.trainSize}`)).toEqual([
      'replace 1 60',
      'replace 2 60',
      'accumulate 1 60',
      'accumulate 2 120',
    ]);
    const steps = parse(await readFile(join(out, 'steps.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(steps.filter((s) => s.scheme === 'accumulate').map((s) => s.step)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('asks for a format, and names a folder that holds no run, in one sentence', async () => {
    const none = await runCli('export', [out]);
    expect(none.stderr).toBe('Error: No format given; expected --csv (export writes generations.csv and steps.csv).\n');
    expect(none.code).toBe(1);
    const empty = await runCli('export', [join(out, 'replace', 'gen-001'), '--csv']);
    expect(empty.stderr).toMatch(
      /^Error: .*gen-001 holds no run\.json and no run directories; expected a run directory made by collapse-lab/,
    );
    expect(empty.code).toBe(1);
  });
});
