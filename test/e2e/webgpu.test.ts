/**
 * The CLI on --backend webgpu, killed in generation 2 and resumed, reaches the records of an
 * uninterrupted run on the same backend. Tiny sizes: the adapter here is a software one.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { webgpuForTests } from '../helpers/backend.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const SLOW = 60 * 60 * 1000;
const ARGS = [
  '--backend',
  'webgpu',
  '--scheme',
  'accumulate',
  '--train-size',
  '200',
  '--test-size',
  '100',
  '--generations',
  '2',
  '--epochs',
  '3',
  '--hidden',
  '16',
  '--latent-dim',
  '2',
  '--batch-size',
  '50',
  '--seed',
  '6',
  '--no-metrics',
];

const gpu = await webgpuForTests();

describe.skipIf(!gpu.ok)(`scripts/vae-mnist.ts --backend webgpu${gpu.ok ? '' : ` (${gpu.skip})`}`, () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
  });

  it(
    'killed during generation 2 and resumed, reaches the uninterrupted generations.jsonl; run.json names the adapter',
    async () => {
      const whole = join(root, 'whole');
      const cut = join(root, 'cut');
      const first = await runCli('vae-mnist', [...ARGS, '--out', whole]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/^Backend: webgpu \(@tensorflow\/tfjs-backend-webgpu 4\.22\.0, adapter '.+'/m);

      // After generation 2's first epoch: its epoch checkpoint (weights + Adam state) is what the resume starts from.
      const killed = await runCli('vae-mnist', [...ARGS, '--out', cut], (err) =>
        /generation 2\/2 epoch 1\/3/.test(err),
      );
      expect(killed.signal).toBe('SIGKILL');
      expect((await readdir(join(cut, 'accumulate'))).filter((n) => /^gen-\d+$/.test(n))).toEqual(['gen-001']);
      const resumed = await runCli('vae-mnist', [...ARGS, '--out', cut, '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/Resuming .* after generation 1/);

      const read = (d: string) => readFile(join(d, 'accumulate', 'generations.jsonl'), 'utf8');
      const records = (await read(whole)).trim().split('\n');
      expect(records).toHaveLength(2);
      expect(await read(cut)).toBe(await read(whole));
      const run = JSON.parse(await readFile(join(cut, 'accumulate', 'run.json'), 'utf8'));
      expect(run.backend).toMatchObject({ name: 'webgpu', adapter: { description: expect.stringMatching(/.+/) } });
    },
    SLOW,
  );
});
