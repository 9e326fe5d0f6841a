/**
 * The package as a user gets it: `npm pack` (which builds dist/ through `prepack`, as a git install does), the tarball
 * installed into an empty project, then used there with plain node, a strict NodeNext tsc, and
 * `npx collapse-lab`. The slowest test of the suite (a build, an install, two type checks): it packs
 * and installs once, and every check below uses that one install.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../../scripts/commands.ts';
import { ROOT } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// Packing builds, installing unpacks about 500 MB of dependencies: minutes on a loaded machine.
const SLOW = 15 * 60_000;

/** The environment without what `npm test` sets for its own scripts (npm_config_*, npm_package_*). */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD')),
  FORCE_COLOR: '0',
};

function run(
  file: string,
  args: readonly string[],
  cwd: string,
  options: { detached?: boolean; signal?: { when: RegExp; send: (pid: number) => void } } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd, env, detached: options.detached });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (options.signal && !sent && options.signal.when.test(stderr)) {
        sent = true;
        options.signal.send(child.pid!);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface PackedFile {
  path: string;
  size: number;
}

let tarball: { filename: string; size: number; files: PackedFile[] };
let project: string;

beforeAll(async () => {
  const dest = await tempDir('collapse-lab-pack-');
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dest], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  // npm's JSON starts at a line of its own (in case `prepare`, the build, printed before it).
  [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as (typeof tarball)[];
  project = await tempDir('collapse-lab-consumer-');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // Dependencies come from the local npm cache when it has them (--prefer-offline), else from the registry.
  const installed = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dest, tarball.filename)],
    project,
  );
  expect(installed.code, installed.stderr).toBe(0);
}, SLOW);

// The checks are independent of each other: they run side by side (type checks beside training).
describe.concurrent('the npm package (npm pack, installed into an empty project)', () => {
  it('ships the compiled library, its types and maps, the README and the licence; no tests, fixtures or sources', ({
    expect,
  }) => {
    const paths = tarball.files.map((f) => f.path);
    expect(paths).toContain('dist/lib/index.js');
    expect(paths).toContain('dist/lib/index.d.ts');
    expect(paths).toContain('dist/lib/index.js.map');
    expect(paths).toContain('dist/scripts/collapse-lab.js');
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    expect(
      paths.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(p)),
    ).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|fixtures)\/|\.test\.|\.spec\./.test(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it(
    'trains a generation from a plain-node ESM script, without tsx',
    async ({ expect }) => {
      // tsx is a devDependency: the compiled package must not need it.
      expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
      await writeFile(
        join(project, 'train.mjs'),
        `import { trainGenerations, createVae, loadMnist } from 'collapse-lab';
import * as tf from '@tensorflow/tfjs-core';
const { train, test } = await loadMnist({ trainSize: 200, testSize: 100 });
const records = await trainGenerations({
  model: (init) => createVae({ hidden: [16], latentDim: 2, seed: init.seed }),
  data: { train, test },
  scheme: { kind: 'replace' },
  generations: 1,
  epochs: 1,
  batchSize: 100,
});
console.log(JSON.stringify({ records: records.length, generation: records[0].generation, testLoss: records[0].testLoss, backend: tf.getBackend() }));
`,
      );
      const r = await run(process.execPath, ['train.mjs'], project);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      expect(out).toMatchObject({ records: 1, generation: 1, backend: 'wasm' });
      expect(out.testLoss).toBeGreaterThan(0);
    },
    SLOW,
  );

  // The consumer's code, with one deliberate mistake that only real types catch.
  const consumer = `import { createVae, loadMnist, parseScheme, trainGenerations } from 'collapse-lab';
import type { GenerationRecord, Scheme } from 'collapse-lab';

const { train, test } = await loadMnist({ trainSize: 200, testSize: 100 });
const scheme: Scheme = parseScheme('mix', 0.5);
const records: GenerationRecord[] = await trainGenerations({
  model: (init) => createVae({ latentDim: 2, seed: init.seed }),
  data: { train, test },
  scheme,
  generations: 1,
});
const loss: number = records[0].testLoss;
console.log(loss.toFixed(2));
// @ts-expect-error latentDim is a number: an untyped (any) package would make this line an error
createVae({ latentDim: 'two' });
`;
  const tsconfig = (skipLibCheck: boolean) => ({
    compilerOptions: {
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      noEmit: true,
      skipLibCheck,
      types: ['node'],
      // The repository's @types/node, so that the test installs nothing more than the tarball.
      typeRoots: [join(ROOT, 'node_modules', '@types')],
    },
    files: ['consumer.ts'],
  });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

  it(
    'type-checks a strict NodeNext TypeScript consumer with skipLibCheck, with full types',
    async ({ expect }) => {
      await writeFile(join(project, 'consumer.ts'), consumer);
      await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig(true)));
      const r = await run(process.execPath, [tsc, '-p', '.'], project);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
    SLOW,
  );

  it(
    "type-checks the package's own declarations without skipLibCheck (.ts specifiers in .d.ts resolve under NodeNext)",
    async ({ expect }) => {
      await writeFile(join(project, 'consumer.ts'), consumer);
      await writeFile(join(project, 'tsconfig.strict.json'), JSON.stringify(tsconfig(false)));
      const r = await run(process.execPath, [tsc, '-p', 'tsconfig.strict.json'], project);
      const errorFiles = [...new Set([...r.stdout.matchAll(/^(\S+?)\(\d+,\d+\): error/gm)].map((m) => m[1]))];
      // @tensorflow/tfjs 4.22's own declarations do not pass a strict check (tfjs-layers' config
      // types; tfjs-core's 'Long' where @types/long is absent); nothing of collapse-lab's, and
      // nothing in the consumer's file, may fail.
      expect(errorFiles.filter((f) => !f.startsWith('node_modules/@tensorflow/'))).toEqual([]);
      expect(r.stdout).not.toMatch(/TS5097/);
    },
    SLOW,
  );

  it('installs without the optional packages (PDF, WebGPU) and names the command that adds one when asked for it', async ({
    expect,
  }) => {
    for (const pkg of [
      'webgpu',
      '@tensorflow/tfjs-backend-webgpu',
      '@napi-rs/canvas',
      '@stdlib/stats-base-dists-t-quantile',
    ])
      expect(existsSync(join(project, 'node_modules', pkg)), pkg).toBe(false);
    // tfjs without the umbrella package's browser parts (lib/tfjs.ts).
    for (const pkg of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-converter'])
      expect(existsSync(join(project, 'node_modules', pkg)), pkg).toBe(false);
    const pdf = await run(
      'npx',
      ['collapse-lab', 'gaussian', '--trials', '2', '--generations', '2', '--plot', 'w2.pdf'],
      project,
    );
    expect(pdf.stderr.trim()).toMatch(
      /^Error: PDF output needs @napi-rs\/canvas, an optional package that is not installed; expected it installed: 'npm install @napi-rs\/canvas@\^1\.1\.1'\.$/,
    );
    expect(pdf.code).toBe(1);
    const gpu = await run('npx', ['collapse-lab', 'vae-mnist', '--backend', 'webgpu', '--train-size', '10'], project);
    expect(gpu.stderr).toMatch(
      /webgpu is not installed \(an optional package: 'npm install webgpu@0\.6\.2 @tensorflow\/tfjs-backend-webgpu@4\.22\.0'\)/,
    );
    expect(gpu.code).toBe(1);
    // A default run needs neither (test 'trains a generation from a plain-node ESM script' above trains one).
  });

  it(
    'npx collapse-lab --help lists every command, one line each',
    async ({ expect }) => {
      const r = await run('npx', ['collapse-lab', '--help'], project);
      expect(r.code, r.stderr).toBe(0);
      const listed = r.stdout
        .split('\n')
        .filter((l) => /^ {2}\S/.test(l))
        .map((l) => l.trim().split(/\s+/)[0]);
      const built = Object.keys(COMMANDS).filter((name) => existsSync(join(ROOT, 'scripts', `${name}.ts`)));
      expect(listed).toEqual(built);
      expect(listed).toEqual(
        expect.arrayContaining([
          'vae-mnist',
          'ae-mnist',
          'vae-celeba',
          'report',
          'sweep',
          'regression',
          'gaussian',
          'logistic',
          'bench',
        ]),
      );
      const sub = await run('npx', ['collapse-lab', 'ae-mnist', '--help'], project);
      expect(sub.code, sub.stderr).toBe(0);
      expect(sub.stdout.split('\n')[0]).toBe('Usage: npx collapse-lab ae-mnist [flags]');
    },
    SLOW,
  );

  const TINY = [
    '--train-size',
    '300',
    '--test-size',
    '50',
    '--generations',
    '2',
    '--epochs',
    '4',
    '--hidden',
    '16',
    '--latent-dim',
    '2',
    '--batch-size',
    '10',
    '--scheme',
    'accumulate',
    '--backend',
    'wasm',
    '--no-metrics',
  ];
  const bin = () => join(project, 'node_modules', '.bin', 'collapse-lab');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(
      `${signal} to the collapse-lab process stops the training after its batch (exit 130) and prints the resume command`,
      async ({ expect }) => {
        const out = `runs-${signal}`;
        const r = await run(process.execPath, [bin(), 'vae-mnist', ...TINY, '--out', out], project, {
          signal: { when: /generation 2\/2 epoch 1\/4/, send: (pid) => process.kill(pid, signal) },
        });
        expect(r.code, r.stderr).toBe(130);
        expect(r.stderr).toContain(`${signal}: stopping after the current batch`);
        expect(r.stderr).toContain(
          `Resume with:\n  npx collapse-lab vae-mnist ${TINY.join(' ')} --out ${out} --resume\n`,
        );
      },
      SLOW,
    );
  }

  it(
    "Ctrl-C through npx collapse-lab (SIGINT to the terminal's process group) stops gracefully; the printed command resumes",
    async ({ expect }) => {
      const out = 'runs-npx';
      const r = await run('npx', ['collapse-lab', 'vae-mnist', ...TINY, '--out', out], project, {
        detached: true,
        signal: { when: /generation 2\/2 epoch 1\/4/, send: (pid) => process.kill(-pid, 'SIGINT') },
      });
      expect(r.stderr).toContain('SIGINT: stopping after the current batch');
      const command = `npx collapse-lab vae-mnist ${TINY.join(' ')} --out ${out} --resume`;
      expect(r.stderr).toContain(`Resume with:\n  ${command}\n`);
      const resumed = await run('/bin/sh', ['-c', command], project);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/Resuming generation 2 after epoch [1-4] of 4\./);
      const records = (await readFile(join(project, out, 'accumulate', 'generations.jsonl'), 'utf8'))
        .trim()
        .split('\n');
      expect(records.map((l) => JSON.parse(l).generation)).toEqual([1, 2]);
    },
    SLOW,
  );
});
