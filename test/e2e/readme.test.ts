import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('README', () => {
  it('opens with the set-up-and-run command and the test command, which package.json defines', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const firstBlock = readme.split('```sh')[1].split('```')[0];
    expect(firstBlock).toMatch(/npm install && npm start/);
    expect(firstBlock).toMatch(/npm install && npm test/);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toMatch(/scripts\/vae-mnist\.ts --preset quick/);
    expect(pkg.scripts.test).toBe('vitest run');
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/npm ci/);
    expect(ci).toMatch(/npm test/);
  });

  it("runs the plain-node library example as written (its 'collapse-lab' import read from the sources)", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('## Using the library')[1];
    const code = section.split('```js')[1].split('```')[0];
    expect(code).toMatch(/from 'collapse-lab'/);
    const out = await tempDir();
    // Same code, its run directory moved to a temporary folder, and 'collapse-lab' read from the
    // sources: by name it is dist/, which only a build updates (test/e2e/package.test.ts imports it by name).
    const file = join(ROOT, 'test', `.readme-example-${process.pid}.mjs`);
    await writeFile(file, code.replace("'checkpoints/my-run'", JSON.stringify(join(out, 'my-run'))).replace("from 'collapse-lab'", "from '../lib/index.ts'"));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8' });
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines.slice(0, 3).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['1 1000', '2 2000', '3 3000']);
    } finally {
      await rm(file, { force: true });
    }
  });
});
