import { beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runExperiment } from '../../../lib/experiment.ts';
import { parseScheme } from '../../../lib/schemes.ts';
import { useTestBackend } from '../../helpers/backend.ts';
import { tinyMnist, tinyVae } from '../../helpers/tiny.ts';
import { tempDir } from '../../helpers/tmp.ts';

let root: string;
beforeAll(async () => {
  await useTestBackend();
  root = await tempDir();
});

describe('runInWorkers', () => {
  it('says a worker killed by a signal was killed, and by which (not "exited with code null")', async () => {
    const out = join(root, 'killed');
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const err = await runExperiment({
      model: tinyVae,
      data: await tinyMnist(60, 30),
      schemes: [parseScheme('replace'), parseScheme('accumulate')],
      generations: 1,
      epochs: 1,
      batchSize: 30,
      out,
      jobs: 2,
      workerSetup: { module: new URL('../../helpers/worker-setup.ts', import.meta.url).href, export: 'killedSetup' },
      stderr: sink,
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).not.toMatch(/code null/);
    for (const scheme of ['replace', 'accumulate']) {
      expect(message).toContain(
        `[${scheme}] the ${scheme} worker process was killed by SIGKILL (out of memory, or a kill from outside?) before finishing; ` +
          'expected it to finish its scheme (resume the run to continue from its last saved epoch).',
      );
    }
    // The workers were killed before they opened their runs: nothing was written.
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });
});
