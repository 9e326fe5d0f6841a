/**
 * scripts/sweep.ts on a real Slurm: a 4-task job array (2 schemes x 2 seeds of tiny runs) submitted
 * with sbatch, waited for, aggregated, and checked against the same plan run with `local`. Needs a
 * cluster that answers (.ci/slurm.sh starts a one-node one on this machine); skipped without one.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8' });
const slurm = ping.status === 0 && /is UP/.test(ping.stdout);
const SKIPPED =
  'Slurm sweep test skipped: no Slurm cluster answers scontrol ping here (bash .ci/slurm.sh installs and starts a one-node one).';
if (!slurm) process.stderr.write(SKIPPED + '\n');
const GRID = {
  script: 'vae-mnist',
  flags: {
    'train-size': 200,
    'test-size': 100,
    generations: 2,
    epochs: 1,
    hidden: 32,
    'latent-dim': 4,
    metrics: false,
    backend: 'wasm',
  },
  grid: { scheme: ['replace', 'accumulate'], seed: [0, 1] },
};
// Jobs wait in a queue and train on a shared machine: no deadline a slow run could hit.
const NO_DEADLINE = 30 * 60_000;

describe.skipIf(!slurm)(slurm ? 'sweep.ts on Slurm' : SKIPPED, () => {
  it(
    'runs the grid as a job array whose aggregate equals the same plan run locally',
    async () => {
      const root = await tempDir();
      const grid = join(root, 'grid.json');
      await writeFile(grid, JSON.stringify(GRID));
      const onSlurm = join(root, 'slurm');
      const here = join(root, 'local');
      for (const dir of [onSlurm, here]) expect((await runCli('sweep', ['plan', grid, '--dir', dir])).code).toBe(0);

      const submitted = await runCli('sweep', [
        'slurm',
        '--dir',
        onSlurm,
        '--submit',
        '--wait',
        '--max-running',
        '2',
        '--poll',
        '1',
      ]);
      expect(submitted.code, submitted.stderr).toBe(0);
      const job = /Submitted array job (\d+): tasks 0, 1, 2, 3;/.exec(submitted.stderr)?.[1];
      expect(job, submitted.stderr).toBeDefined();
      expect(submitted.stderr).toContain('All 4 tasks done.');
      expect(await readFile(join(onSlurm, 'sweep.sbatch'), 'utf8')).toContain('#SBATCH --array=0-3%2\n');
      // Each run records the job it ran in; the task's log is Slurm's.
      const info = JSON.parse(await readFile(join(onSlurm, 'tasks', '002', 'accumulate', 'run.json'), 'utf8'));
      expect(info.placement).toMatchObject({ slurmArrayJobId: job, slurmArrayTaskId: '2' });
      expect(info.placement.slurmNode).toBeTruthy();
      expect(await readFile(join(onSlurm, 'logs', `slurm-${job}_2.out`), 'utf8')).toContain(
        'Task 2 (scheme=accumulate seed=0)',
      );
      // Done tasks are not submitted again.
      const again = await runCli('sweep', ['slurm', '--dir', onSlurm, '--submit']);
      expect(again.stderr).toBe('Nothing to submit: 4 of 4 tasks are done.\n');
      const status = await runCli('sweep', ['status', '--dir', onSlurm]);
      expect(status.stdout).toMatch(
        new RegExp(`^2\\s+scheme=accumulate seed=0\\s+done\\s+2/2\\s+\\S+ \\(Slurm job ${job}_2\\), exit 0$`, 'm'),
      );

      const local = await runCli('sweep', ['local', '--dir', here, '--parallel', '2']);
      expect(local.code, local.stderr).toBe(0);
      const tables: Record<string, string>[][] = [];
      for (const dir of [onSlurm, here]) {
        const r = await runCli('sweep', [
          'aggregate',
          '--dir',
          dir,
          '--no-runs-report',
          ...(dir === here ? ['--no-plots'] : []),
        ]);
        expect(r.code, r.stderr).toBe(0);
        tables.push(parse(await readFile(join(dir, 'aggregate.csv'), 'utf8'), { columns: true }));
      }
      const [slurmRows, localRows] = tables;
      // Same seeds, same backend: the same numbers, to the last digit (means, sds and intervals).
      expect(slurmRows).toEqual(localRows);
      // n = 2 and a 95% interval around the mean for every scheme x generation of the test loss.
      const loss = slurmRows.filter((r) => r.metric === 'testLoss');
      expect(loss.map((r) => [r.scheme, r.generation, r.n])).toEqual([
        ['replace', '1', '2'],
        ['replace', '2', '2'],
        ['accumulate', '1', '2'],
        ['accumulate', '2', '2'],
      ]);
      for (const r of loss) {
        expect(Number(r.ci95Low)).toBeLessThan(Number(r.mean));
        expect(Number(r.ci95High)).toBeGreaterThan(Number(r.mean));
      }
    },
    NO_DEADLINE,
  );
});
