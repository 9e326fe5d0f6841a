import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runExperiment } from '../../lib/experiment.ts';
import { trainGenerations } from '../../lib/generations.ts';
import { describeProvenance, gitState } from '../../lib/provenance.ts';
import { parseScheme } from '../../lib/schemes.ts';
import type { ImageSet } from '../../data/images.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { ROOT } from '../helpers/cli.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';

const inGit = existsSync(join(ROOT, '.git'));
let data: { train: ImageSet; test: ImageSet };
let root: string;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(60, 30);
  root = await tempDir();
});

const runInfo = async (dir: string) => JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
const sink = () => new Writable({ write: (_c, _e, done) => done() });

describe('provenance', () => {
  it('describes the command line, the working directory and, in a checkout, its commit and whether it has changes', async () => {
    const p = await describeProvenance({
      argv: ['scripts/vae-mnist.ts', '--seed', '1'],
      cwd: '/somewhere',
      configFile: { path: 'a.json', flags: { epochs: 2 } },
    });
    expect(p).toMatchObject({
      argv: ['scripts/vae-mnist.ts', '--seed', '1'],
      cwd: '/somewhere',
      configFile: { path: 'a.json', flags: { epochs: 2 } },
    });
    if (inGit) {
      const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      const changes = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], {
        encoding: 'utf8',
      }).trim();
      expect(p.git).toEqual({ commit: head, dirty: changes !== '' });
    } else {
      expect(p.git).toBeUndefined();
    }
  });

  it('names no commit outside a checkout, nor that of a repository the package merely sits in', async () => {
    expect(await gitState(root)).toBeUndefined();
    expect(await gitState(undefined)).toBeUndefined();
    // lib/ is inside the checkout but not its top: an installed copy inside a user's repository is the same case.
    if (inGit) expect(await gitState(join(ROOT, 'lib'))).toBeUndefined();
  });

  it('is recorded in a new run.json, not compared on resume, and kept as the run first had it', async () => {
    const runDir = join(root, 'run');
    const first = await describeProvenance({ argv: ['first', '--generations', '1'] });
    const options = {
      model: tinyVae,
      data,
      scheme: parseScheme('replace'),
      generations: 1,
      epochs: 1,
      batchSize: 30,
      evalBatchSize: 30,
      seed: 2,
      runDir,
    };
    await trainGenerations({ ...options, provenance: first });
    expect((await runInfo(runDir)).provenance).toEqual(first);
    // Another command line, one generation more: the resume goes on; run.json still says how the run began.
    const records = await trainGenerations({
      ...options,
      generations: 2,
      resume: true,
      provenance: await describeProvenance({ argv: ['second', '--resume'] }),
    });
    expect(records.map((r) => r.generation)).toEqual([1, 2]);
    expect((await runInfo(runDir)).provenance).toEqual(first);
  });

  it('reaches the run.json of every scheme when the schemes train in worker processes', async () => {
    const out = join(root, 'jobs');
    const provenance = await describeProvenance({ argv: ['exp', '--jobs', '2'] });
    const placement = { host: 'here' };
    const workerSetup = {
      module: new URL('../helpers/worker-setup.ts', import.meta.url).href,
      export: 'setup',
      args: { trainSize: 60, testSize: 30 },
    };
    await runExperiment({
      model: tinyVae,
      data,
      schemes: [parseScheme('replace'), parseScheme('accumulate')],
      generations: 1,
      epochs: 1,
      batchSize: 30,
      evalBatchSize: 30,
      seed: 2,
      out,
      jobs: 2,
      workerSetup,
      provenance,
      placement,
      stderr: sink(),
    });
    for (const scheme of ['replace', 'accumulate'])
      expect(await runInfo(join(out, scheme))).toMatchObject({ provenance, placement });
  });
});
