/** run.json: a run of this version reads back; one made by an older version is refused with one sentence. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId, readRunInfo, RUN_FORMAT, writeRunInfo } from '../../../lib/run/info.ts';
import { readRun } from '../../../lib/run/read.ts';
import { tempDir } from '../../helpers/tmp.ts';

const INFO = { config: { epochs: 1 }, seed: 0, backend: { name: 'cpu', package: 'p', version: '1' }, versions: {}, createdAt: '2026-01-01T00:00:00.000Z' };

describe('run.json', () => {
  it('reads back what it wrote', async () => {
    const dir = await tempDir('info-');
    const id = newRunId();
    await writeRunInfo(dir, { format: RUN_FORMAT, id, ...INFO });
    expect(await readRunInfo(dir)).toMatchObject({ format: RUN_FORMAT, id, seed: 0 });
  });

  it('refuses a run of an older version, saying so and what to do', async () => {
    const dir = join(await tempDir('info-'), 'old');
    await mkdir(dir);
    await writeFile(join(dir, 'run.json'), JSON.stringify({ format: 'collapse-lab-run/1', ...INFO, checksum: 'sha256:0' }));
    const sentence = `Run file ${join(dir, 'run.json')} is from an older collapse-lab (format 'collapse-lab-run/1'), which this version no longer reads; expected a run made by this version ('${RUN_FORMAT}'): start the run again here, or read and resume it with the version that made it.`;
    await expect(readRunInfo(dir)).rejects.toThrow(sentence);
    await expect(readRun(dir)).rejects.toThrow('is from an older collapse-lab');
  });
});
