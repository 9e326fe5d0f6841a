import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLock } from '../../../lib/run/lock.ts';
import { tempDir } from '../../helpers/tmp.ts';

describe('run.lock', () => {
  it('a fresh run.lock holding no process id is described as what it is, naming the file to delete if it stays', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'run.lock'), 'garbage');
    await expect(checkLock(dir)).rejects.toThrow(
      new RegExp(
        `^Run directory ${dir} has a run\\.lock without a process id, changed [\\d.]+ s ago \\(another process opening the run, or a file collapse-lab did not write\\); expected the lock file collapse-lab writes \\(try again in a moment; if it stays, delete ${join(dir, 'run.lock')}\\)\\.$`,
      ),
    );
  });
});
