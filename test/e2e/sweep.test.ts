/**
 * scripts/sweep.ts on this machine, as a user runs it: plan, local, status, aggregate; a sweep
 * stopped with Ctrl-C, and one whose task was killed, each finished by running `local` again
 * without redoing what was done.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

// Tasks long enough (two epochs of 60 batches) that a stop sent when generation 2 starts lands
// inside it; every process is a single-core wasm run.
const FLAGS = {
  'train-size': 600,
  'test-size': 100,
  generations: 2,
  epochs: 2,
  'batch-size': 10,
  hidden: 64,
  'latent-dim': 4,
  metrics: false,
  backend: 'wasm',
};
// Training processes on a shared machine: no deadline a slow run could hit.
const NO_DEADLINE = 30 * 60_000;

async function gridFile(dir: string, grid: object): Promise<string> {
  const path = join(dir, 'grid.json');
  await writeFile(path, JSON.stringify(grid));
  return path;
}

/** Runs `sweep.ts local` and acts once `when` holds (checked every 100 ms) on the child (the pool's own process). */
function localUntil(
  dir: string,
  args: string[],
  when: () => Promise<boolean>,
  act: (pid: number) => Promise<void> | void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sweep.ts', 'local', '--dir', dir, ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    let acted = false;
    const timer = setInterval(async () => {
      if (acted) return;
      if (await when().catch(() => false)) {
        acted = true;
        clearInterval(timer);
        await act(child.pid!);
      }
    }, 100);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const logHas = (dir: string, task: string, pattern: RegExp) => async () =>
  pattern.test(await readFile(join(dir, 'logs', `task-${task}.log`), 'utf8'));
const attempts = async (dir: string, task: string) =>
  JSON.parse(await readFile(join(dir, 'tasks', task, 'task.json'), 'utf8')).attempts as {
    exitCode?: number;
    pid: number;
  }[];
const mtime = async (path: string) => (await stat(path)).mtimeMs;

describe('sweep.ts on this machine', () => {
  it(
    'refuses bad input with one sentence before writing anything',
    async () => {
      const root = await tempDir();
      const bad = await gridFile(root, { script: 'vae-mnist', flags: { epochs: 0 }, grid: { seed: [0, 1] } });
      const r = await runCli('sweep', ['plan', bad, '--dir', join(root, 'sweep')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `Error: Grid file ${bad} does not give vae-mnist valid flags (task 0: seed=0): --epochs 0 is not valid; expected an integer of at least 1.\n`,
      );
      expect(await readdir(root)).toEqual(['grid.json']);
      const unknown = await runCli('sweep', ['local', '--dir', join(root, 'nothing')]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe(
        `Error: Sweep folder ${join(root, 'nothing')} holds no sweep.json; expected a folder made by 'sweep.ts plan'.\n`,
      );
      const good = await gridFile(root, { script: 'vae-mnist', flags: FLAGS, grid: { seed: [0] } });
      expect((await runCli('sweep', ['plan', good, '--dir', join(root, 'sweep')])).code).toBe(0);
      const task = await runCli('sweep', ['run', '--dir', join(root, 'sweep'), '--task', '3']);
      expect(task.stderr).toBe('Error: --task 3 is not a task of this sweep; expected an integer from 0 to 0.\n');
      const parallel = await runCli('sweep', ['local', '--dir', join(root, 'sweep'), '--parallel', '0']);
      expect(parallel.stderr).toBe('Error: --parallel 0 is not valid; expected an integer of at least 1.\n');
      expect(await readdir(join(root, 'sweep'))).toEqual(['sweep.json']);
    },
    NO_DEADLINE,
  );

  it(
    'stops gracefully on Ctrl-C; local again finishes the stopped task and skips the finished one',
    async () => {
      const root = await tempDir();
      const dir = join(root, 'seeds');
      const grid = await gridFile(root, {
        script: 'vae-mnist',
        flags: { ...FLAGS, scheme: 'replace' },
        grid: { seed: [0, 1, 2] },
      });
      expect((await runCli('sweep', ['plan', grid, '--dir', dir])).code).toBe(0);
      // One at a time: task 0 finishes, task 1 is stopped in its second generation, task 2 never starts.
      const stopped = await localUntil(
        dir,
        ['--parallel', '1'],
        logHas(dir, '001', /generation 2\/2: training on/),
        (pid) => void process.kill(pid, 'SIGINT'),
      );
      expect(stopped.code, stopped.stderr).toBe(130);
      expect(stopped.stderr).toContain('SIGINT: stopping; running tasks finish their current batch and save.');
      expect(stopped.stderr).toContain(`Continue with:\n  npx tsx scripts/sweep.ts local --dir ${dir}`);
      expect((await attempts(dir, '001')).map((a) => a.exitCode)).toEqual([130]);
      const status = await runCli('sweep', ['status', '--dir', dir, '--json']);
      expect(
        JSON.parse(status.stdout).map((s: { state: string; generations: { done: number } }) => [
          s.state,
          s.generations.done,
        ]),
      ).toEqual([
        ['done', 2],
        ['pending', 1],
        ['pending', 0],
      ]);
      const finished = await mtime(join(dir, 'tasks', '000', 'replace', 'generations.jsonl'));
      const firstGeneration = await mtime(join(dir, 'tasks', '001', 'replace', 'gen-001', 'record.json'));

      const again = await runCli('sweep', ['local', '--dir', dir, '--parallel', '2']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('3 tasks: 1 done, 2 to run, 2 at once.');
      // Task 0 was not run again; task 1 continued after its complete generation 1.
      expect(await attempts(dir, '000')).toHaveLength(1);
      expect(await mtime(join(dir, 'tasks', '000', 'replace', 'generations.jsonl'))).toBe(finished);
      expect((await attempts(dir, '001')).map((a) => a.exitCode)).toEqual([130, 0]);
      expect(await mtime(join(dir, 'tasks', '001', 'replace', 'gen-001', 'record.json'))).toBe(firstGeneration);
      expect(await readFile(join(dir, 'logs', 'task-001.log'), 'utf8')).toMatch(/Resuming \S+ after generation 1\./);
      const table = await runCli('sweep', ['status', '--dir', dir]);
      expect(table.stdout).toMatch(/3 tasks: 3 done, 0 running, 0 queued, 0 failed, 0 pending\n$/);

      const agg = await runCli('sweep', ['aggregate', '--dir', dir, '--no-runs-report']);
      expect(agg.code, agg.stderr).toBe(0);
      // One setting (replace), three seeds per generation.
      expect(agg.stdout).toMatch(
        /^testLoss: mean over seeds and 95% confidence interval of the mean \(Student's t\)\nscheme\s+gen\s+n\s+mean\s+sd\s+ci95Low\s+ci95High\nreplace\s+1\s+3\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\nreplace\s+2\s+3\s/,
      );
    },
    NO_DEADLINE,
  );

  it(
    'reports a killed task as failed; local again resumes it after its last complete generation',
    async () => {
      const root = await tempDir();
      const dir = join(root, 'killed');
      const grid = await gridFile(root, {
        script: 'vae-mnist',
        flags: { ...FLAGS, scheme: 'accumulate' },
        grid: { seed: [3, 4] },
      });
      expect((await runCli('sweep', ['plan', grid, '--dir', dir])).code).toBe(0);
      const killed = await localUntil(
        dir,
        ['--parallel', '2'],
        logHas(dir, '000', /generation 2\/2: training on/),
        async () => {
          process.kill((await attempts(dir, '000'))[0].pid, 'SIGKILL');
        },
      );
      expect(killed.code).toBe(1);
      expect(killed.stderr).toMatch(/Task 0 \(seed=3\) failed \(exit 137\)/);
      expect(killed.stderr).toMatch(
        /1 of 2 tasks did not finish:\n {2}task 0 \(seed=3\): failed, exit 137, log logs\/task-000.log\n/,
      );
      const done = await mtime(join(dir, 'tasks', '001', 'accumulate', 'generations.jsonl'));

      const again = await runCli('sweep', ['local', '--dir', dir]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('2 tasks: 1 done, 1 to run');
      expect(await mtime(join(dir, 'tasks', '001', 'accumulate', 'generations.jsonl'))).toBe(done);
      expect(await readFile(join(dir, 'logs', 'task-000.log'), 'utf8')).toMatch(/Resuming \S+ after generation 1\./);
      const records = (await readFile(join(dir, 'tasks', '000', 'accumulate', 'generations.jsonl'), 'utf8'))
        .trim()
        .split('\n');
      expect(records.map((l) => JSON.parse(l).generation)).toEqual([1, 2]);
    },
    NO_DEADLINE,
  );
});
