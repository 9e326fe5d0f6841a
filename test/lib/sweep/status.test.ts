import { describe, expect, it } from 'vitest';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkGrid } from '../../../lib/sweep/grid.ts';
import { planSweep } from '../../../lib/sweep/plan.ts';
import { formatStatus, sweepStatus } from '../../../lib/sweep/status.ts';
import type { Attempt } from '../../../lib/sweep/task-state.ts';
import { writeFakeRun } from '../report/fixture.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { fakeExperiments } from './fake-experiments.ts';

const HOST = 'here';
const attempt = (a: Partial<Attempt>): Attempt => ({
  placement: { host: HOST },
  pid: process.pid,
  startedAt: '2026-01-01T00:00:00.000Z',
  ...a,
});
/** A pid no process has (pid_max is at most 2^22). */
const GONE = 2 ** 22 + 1;

describe('sweep status', () => {
  it('reads done from the run directories and the rest from task.json and the queue', async () => {
    const dir = join(await tempDir(), 'sweep');
    const grid = checkGrid({
      script: 'vae-mnist',
      flags: { scheme: 'replace', generations: 2 },
      grid: { seed: [0, 1, 2, 3, 4, 5, 6, 7] },
    });
    const { plan } = await planSweep({ dir, grid, gridFile: 'g.json', experiments: fakeExperiments });
    const run = (i: number) => join(dir, plan.tasks[i].runs[0].dir);
    const attempts = async (i: number, list: Attempt[]) => {
      await mkdir(join(dir, plan.tasks[i].dir), { recursive: true });
      await writeFile(join(dir, plan.tasks[i].dir, 'task.json'), JSON.stringify({ attempts: list }));
    };
    await writeFakeRun(run(0), { seed: 0, generations: [{}, {}], analysis: false }); // done
    await writeFakeRun(run(1), { seed: 1, generations: [{}], analysis: false });
    await attempts(1, [attempt({ exitCode: 130 }), attempt({})]); // under way, by this live process
    await writeFakeRun(run(2), { seed: 2, generations: [{}], analysis: false });
    await attempts(2, [attempt({ pid: GONE })]); // killed before it could record its end
    await attempts(3, [attempt({ exitCode: 1, log: 'logs/task-003.log' })]); // failed
    await attempts(4, [attempt({ exitCode: 130 })]); // stopped: resumable
    await attempts(5, [
      attempt({ placement: { host: 'node7', slurmJobId: '9', slurmArrayJobId: '8', slurmArrayTaskId: '5' } }),
    ]); // elsewhere
    const queue = [{ jobId: '8', arrayJobId: '8', taskId: 6, state: 'PENDING', node: '' }];

    const without = await sweepStatus(dir, plan, { host: HOST });
    expect(without.map((s) => s.state)).toEqual([
      'done',
      'running',
      'pending',
      'failed',
      'pending',
      'running',
      'pending',
      'pending',
    ]);
    expect(without.map((s) => `${s.generations.done}/${s.generations.total}`)).toEqual([
      '2/2',
      '1/2',
      '1/2',
      '0/2',
      '0/2',
      '0/2',
      '0/2',
      '0/2',
    ]);
    expect(without[0].images).toEqual({ done: 300, total: 300 });
    // With a queue: task 5 is gone from it (its node died), task 6 waits in it.
    const withQueue = await sweepStatus(dir, plan, { host: HOST, queue });
    expect(withQueue.map((s) => s.state)).toEqual([
      'done',
      'running',
      'pending',
      'failed',
      'pending',
      'pending',
      'queued',
      'pending',
    ]);
    const table = formatStatus(withQueue);
    expect(table).toMatch(/^3\s+seed=3\s+failed\s+0\/2\s+here, exit 1, see logs\/task-003.log$/m);
    expect(table).toMatch(/^6\s+seed=6\s+queued\s+0\/2\s+Slurm job 8_6 pending$/m);
    expect(table.trim().split('\n').at(-1)).toBe('8 tasks: 1 done, 1 running, 1 queued, 1 failed, 4 pending');
  });
});
