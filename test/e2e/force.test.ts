/**
 * `--force` on a full disk (a file size limit in the child process): the old run is set aside, never
 * deleted before the new run has sealed a checkpoint, and put back whole when the new one cannot be
 * written; every message about what was or was not replaced is true.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyRun } from '../../lib/run/run-dir.ts';
import { runCli, runCommand, withFlags } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// Its synthetic set (47 kB) and epoch checkpoint (over 100 kB) are larger than every limit below.
const RUN = [
  '--train-size',
  '60',
  '--test-size',
  '30',
  '--generations',
  '2',
  '--epochs',
  '1',
  '--hidden',
  '8',
  '--latent-dim',
  '2',
  '--batch-size',
  '30',
  '--seed',
  '1',
  '--scheme',
  'replace',
  '--backend',
  'wasm',
  '--no-metrics',
];
let root: string;
let finished: string;
beforeAll(async () => {
  root = await tempDir();
  finished = join(root, 'finished');
  const r = await runCli('vae-mnist', [...RUN, '--out', finished]);
  expect(r.code, r.stderr).toBe(0);
});

/** vae-mnist under `ulimit -f blocks` (of 512 bytes in /bin/sh). */
function limited(blocks: number, args: string[]): Promise<CliResult> {
  const node = [process.execPath, '--import', 'tsx', 'scripts/vae-mnist.ts', ...args];
  return runCommand(['/bin/sh', '-c', `ulimit -f ${blocks} && exec "$0" "$@"`, ...node]);
}

describe('--force on a full disk', () => {
  for (const blocks of [1, 4, 16, 64]) {
    it(`with a ${blocks}-block file size limit leaves the finished run whole and says nothing false`, async () => {
      const out = join(root, `limit-${blocks}`);
      await cp(finished, out, { recursive: true });
      const dir = join(out, 'replace');
      const before = await readFile(join(dir, 'generations.jsonl'), 'utf8');
      const r = await limited(blocks, [...withFlags(RUN, ['--epochs', '2']), '--out', out, '--force']);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/file size limit/);
      expect(await verifyRun(dir)).toEqual({ completed: 2, found: 2 });
      expect(await readFile(join(dir, 'generations.jsonl'), 'utf8')).toBe(before);
      expect((await readdir(dir)).sort()).toEqual([
        'gen-001',
        'gen-002',
        'generations.jsonl',
        'run.json',
        'timings.jsonl',
      ]);
      // Past run.json, the new run started and was undone: the user is told the old one is back.
      if (!/run\.json failed/.test(r.stderr))
        expect(r.stderr).toContain(`the run it was to replace in ${dir} was put back as it was`);
    });
  }
});
