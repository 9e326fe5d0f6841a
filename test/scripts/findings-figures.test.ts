import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const record = (generation: number, trainSize: number, trainLoss: number, testLoss: number) =>
  JSON.stringify({ generation, trainSize, epochLosses: [200, trainLoss], trainLoss, testLoss });

describe('scripts/findings-figures.ts', () => {
  it('draws the loss figure of each model from committed records and names a run with fewer generations partial', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'data/vae/replace'), { recursive: true });
    await mkdir(join(dir, 'data/vae/accumulate'), { recursive: true });
    await writeFile(
      join(dir, 'data/vae/replace/records.jsonl'),
      [record(1, 600, 110, 106), record(2, 600, 130, 112)].join('\n') + '\n',
    );
    await writeFile(join(dir, 'data/vae/accumulate/records.jsonl'), record(1, 600, 110, 106) + '\n');
    const r = await runCli('findings-figures', [
      '--model',
      'vae',
      '--data',
      join(dir, 'data'),
      '--out',
      join(dir, 'figures'),
      '--generations',
      '2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VAE on MNIST (Figure 10); accumulate: generations 1-1 of 2');
    expect(r.stdout).toContain('| 2 | 600 | 10 | 130.00 | 112.00 | - | - | - | - |');
    expect(await readFile(join(dir, 'figures/paper-vae-loss.svg'), 'utf8')).toContain('<svg');
    expect(existsSync(join(dir, 'figures/paper-ae-loss.svg'))).toBe(false);
  });
});
