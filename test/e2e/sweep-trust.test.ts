/**
 * A real local sweep trusts nothing it did not check: a hand-edited sweep.json, a run made by hand
 * with other settings, a generation that fails verification; status, local and aggregate say why a
 * task is not done. Grid values are compared by meaning, SLURM_ARRAY_TASK_ID is read strictly, and
 * printed commands are shell-quoted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyRun } from '../../lib/run/run-dir.ts';
import { childEnv, ROOT, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { unprivileged } from '../helpers/unprivileged.ts';

const FLAGS = {
  'train-size': 60,
  'test-size': 30,
  generations: 2,
  epochs: 1,
  'batch-size': 30,
  hidden: 8,
  'latent-dim': 2,
  metrics: false,
  backend: 'wasm',
  scheme: 'replace',
};
const NO_DEADLINE = 30 * 60_000;
let root: string;
/** A finished two-task sweep (seeds 0 and 1), copied by each test. */
let done: string;
beforeAll(async () => {
  root = await tempDir();
  await writeFile(
    join(root, 'grid.json'),
    JSON.stringify({ script: 'vae-mnist', flags: FLAGS, grid: { seed: [0, 1] } }),
  );
  done = join(root, 'done');
  expect((await runCli('sweep', ['plan', join(root, 'grid.json'), '--dir', done])).code).toBe(0);
  const r = await runCli('sweep', ['local', '--dir', done, '--parallel', '1']);
  expect(r.code, r.stderr).toBe(0);
}, NO_DEADLINE);

let copies = 0;
async function copy(): Promise<string> {
  const dir = join(root, `copy-${++copies}`);
  await cp(done, dir, { recursive: true });
  return dir;
}
const status = async (dir: string) =>
  JSON.parse((await runCli('sweep', ['status', '--dir', dir, '--json'])).stdout) as {
    state: string;
    generations: { done: number };
    problem?: string;
  }[];

describe('a sweep verifies what it trusts', () => {
  it(
    'a sweep.json pointing a task outside the sweep folder is refused: no re-plan deletes another run',
    async () => {
      const dir = await copy();
      const victim = join(root, 'victim');
      await cp(join(done, 'tasks', '000'), victim, { recursive: true });
      const plan = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8'));
      plan.tasks[0].dir = '../victim';
      plan.tasks[0].runs[0].dir = '../victim/replace';
      await writeFile(join(dir, 'sweep.json'), JSON.stringify(plan, null, 2));
      await writeFile(
        join(root, 'other.json'),
        JSON.stringify({ script: 'vae-mnist', flags: FLAGS, grid: { seed: [5] } }),
      );
      const r = await runCli('sweep', ['plan', join(root, 'other.json'), '--dir', dir, '--force']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `Sweep file ${join(dir, 'sweep.json')} does not match its own checksum (damaged or edited)`,
      );
      expect(await verifyRun(join(victim, 'replace'))).toEqual({ completed: 2, found: 2 });
      // The checksum made right again by hand: the path itself is refused.
      const { checksum: _c, ...body } = plan;
      const { sealPlan } = await import('../../lib/sweep/plan-file.ts');
      await writeFile(join(dir, 'sweep.json'), JSON.stringify(sealPlan(body), null, 2));
      const s = await runCli('sweep', ['status', '--dir', dir]);
      expect(s.code).toBe(1);
      expect(s.stderr).toContain(
        'gives task 0 the folder "../victim"; expected paths inside the sweep folder as planned (tasks/000 and its run folders)',
      );
    },
    NO_DEADLINE,
  );

  it(
    'a run made by hand with other settings is not done: status says why, local does not skip it, aggregate leaves it out',
    async () => {
      const dir = await copy();
      const mine = join(root, 'mine');
      const args = Object.entries({ ...FLAGS, epochs: 2, lr: 0.01, seed: 0 }).flatMap(([k, v]) =>
        v === false ? [`--no-${k}`] : [`--${k}`, String(v)],
      );
      expect((await runCli('vae-mnist', [...args, '--out', mine])).code).toBe(0);
      await cp(join(mine, 'replace'), join(dir, 'tasks', '000', 'replace'), { recursive: true, force: true });
      const st = await status(dir);
      expect(st.map((t) => [t.state, t.generations.done])).toEqual([
        ['failed', 0],
        ['done', 2],
      ]);
      expect(st[0].problem).toMatch(
        /holds a run made with epochs 2, not 1, learningRate 0\.01, not 0\.001; expected the run the plan gives this task/,
      );
      const local = await runCli('sweep', ['local', '--dir', dir, '--parallel', '1']);
      expect(local.code).toBe(1);
      expect(local.stderr).toContain('2 tasks: 1 done, 1 to run');
      const agg = await runCli('sweep', ['aggregate', '--dir', dir, '--no-plots', '--no-runs-report']);
      expect(agg.code, agg.stderr).toBe(0);
      expect(agg.stderr).toMatch(/Note: task 0 \(seed=0\) is left out: .*holds a run made with epochs 2, not 1/);
      expect(agg.stdout).toMatch(/replace\s+1\s+1\s/);
    },
    NO_DEADLINE,
  );

  it(
    'a generation that fails verification is not done: status says why, local trains it again',
    async () => {
      const dir = await copy();
      const weights = join(dir, 'tasks', '001', 'replace', 'gen-002', 'weights.bin');
      const bytes = await readFile(weights);
      bytes[0] ^= 0xff;
      await writeFile(weights, bytes);
      const st = await status(dir);
      expect(st.map((t) => [t.state, t.generations.done])).toEqual([
        ['done', 2],
        ['pending', 1],
      ]);
      expect(st[1].problem).toMatch(/generation 2 does not verify \(.*weights\.bin/);
      const local = await runCli('sweep', ['local', '--dir', dir, '--parallel', '1']);
      expect(local.code, local.stderr).toBe(0);
      expect((await status(dir)).map((t) => t.state)).toEqual(['done', 'done']);
    },
    NO_DEADLINE,
  );
});

describe('sweep input read by its meaning', () => {
  it('a grid listing seed 0 as 0 and "0" is refused before anything is written', async () => {
    const dir = join(root, 'twice');
    await writeFile(
      join(root, 'twice.json'),
      JSON.stringify({ script: 'vae-mnist', flags: FLAGS, grid: { seed: [0, '0'] } }),
    );
    const r = await runCli('sweep', ['plan', join(root, 'twice.json'), '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`lists 0 and "0", which mean the same value, in axis 'seed'; expected each value once.`);
    expect(await readdir(root)).not.toContain('twice');
  });

  for (const id of ['', '-0', '0x1', '1.0']) {
    it(`SLURM_ARRAY_TASK_ID ${JSON.stringify(id)} runs no task`, async () => {
      const dir = await copy();
      const r = await runCli('sweep', ['run', '--dir', dir], undefined, { SLURM_ARRAY_TASK_ID: id });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `Error: SLURM_ARRAY_TASK_ID ${JSON.stringify(id)} is not a task index; expected a non-negative integer in decimal digits, as Slurm sets it.\n`,
      );
    });
  }

  it('the printed sbatch command is shell-quoted', async () => {
    const dir = join(root, 'sw$(touch${IFS}x)');
    expect((await runCli('sweep', ['plan', join(root, 'grid.json'), '--dir', dir])).code).toBe(0);
    const r = await runCli('sweep', ['slurm', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Submit it with:\n  sbatch '${join(dir, 'sweep.sbatch')}'\n`);
  });

  it('a grid listing a learning rate as 0.001 and "1e-3" is refused: the same number, written two ways', async () => {
    await writeFile(
      join(root, 'lr.json'),
      JSON.stringify({ script: 'vae-mnist', flags: FLAGS, grid: { lr: [0.001, '1e-3'] } }),
    );
    const r = await runCli('sweep', ['plan', join(root, 'lr.json'), '--dir', join(root, 'lr')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `lists 0.001 and "1e-3", which mean the same value, in axis 'lr'; expected each value once.`,
    );
    expect(await readdir(root)).not.toContain('lr');
  });
});

describe('sweep messages name what the user gave (no raw errno)', () => {
  it('a grid file that is a folder is called one', async () => {
    await mkdir(join(root, 'grid-folder'));
    const r = await runCli('sweep', ['plan', join(root, 'grid-folder'), '--dir', join(root, 'from-folder')]);
    expect(r.stderr).toBe(`Error: Grid file ${join(root, 'grid-folder')} is a folder; expected a JSON or YAML file.\n`);
    expect(r.code).toBe(1);
  });

  const restricted = unprivileged(ROOT);
  it.skipIf(restricted.reason !== null)(
    `plan and local in a folder this process cannot write say so${restricted.reason ? ` (${restricted.reason})` : ''}`,
    async () => {
      const locked = join(root, 'locked');
      await mkdir(locked);
      await chmod(root, 0o755);
      expect((await runCli('sweep', ['plan', join(root, 'grid.json'), '--dir', join(locked, 'planned')])).code).toBe(0);
      await chmod(locked, 0o555);
      await chmod(join(locked, 'planned'), 0o555);
      const plan = await asUnprivileged(restricted, ['plan', join(root, 'grid.json'), '--dir', join(locked, 'new')]);
      expect(plan.stderr).toBe(
        `Error: Sweep folder ${join(locked, 'new')} cannot be made: ${locked} is not writable by this process; expected a folder this process may write the sweep into (choose another --dir).\n`,
      );
      const local = await asUnprivileged(restricted, ['local', '--dir', join(locked, 'planned')]);
      expect(local.stderr).toBe(
        `Error: Sweep folder ${join(locked, 'planned')} is not writable by this process; expected a folder this process may write its tasks' runs and logs into.\n`,
      );
      expect([plan.code, local.code]).toEqual([1, 1]);
      expect(await readdir(join(locked, 'planned'))).toEqual(['sweep.json']);
    },
  );
});

/** The sweep CLI as a process that respects permission bits (see test/helpers/unprivileged.ts). */
function asUnprivileged(
  r: ReturnType<typeof unprivileged>,
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  const command = [...r.prefix, process.execPath, '--import', 'tsx', join(ROOT, 'scripts', 'sweep.ts'), ...args];
  const child = spawnSync(command[0], command.slice(1), { cwd: ROOT, env: childEnv(), encoding: 'utf8', ...r.ids });
  return Promise.resolve({ code: child.status, stderr: child.stderr });
}
