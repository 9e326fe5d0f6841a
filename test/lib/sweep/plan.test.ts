import { describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkGrid } from '../../../lib/sweep/grid.ts';
import { planSweep, readSweep, runArgs, taskAt } from '../../../lib/sweep/plan.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { fakeExperiments } from './fake-experiments.ts';
import { writeFakeRun } from '../report/fixture.ts';

const grid = checkGrid({
  script: 'vae-mnist',
  flags: { generations: 3 },
  grid: { scheme: ['replace', 'accumulate'], seed: [0, 1] },
});

describe('planning a sweep', () => {
  it('writes sweep.json with numbered tasks, each with its flags, folder and runs', async () => {
    const dir = join(await tempDir(), 'sweep');
    const { plan, written } = await planSweep({ dir, grid, gridFile: 'grid.json', experiments: fakeExperiments });
    expect(written).toBe(true);
    expect(plan.tasks.map((t) => [t.index, t.dir, t.args.join(' ')])).toEqual([
      [0, 'tasks/000', '--generations 3 --scheme replace --seed 0'],
      [1, 'tasks/001', '--generations 3 --scheme replace --seed 1'],
      [2, 'tasks/002', '--generations 3 --scheme accumulate --seed 0'],
      [3, 'tasks/003', '--generations 3 --scheme accumulate --seed 1'],
    ]);
    expect(plan.tasks[3].runs).toEqual([
      { dir: 'tasks/003/accumulate', scheme: 'accumulate', seed: 1, generations: 3, images: [100, 200, 300] },
    ]);
    expect(await readSweep(dir)).toEqual(plan);
    expect(runArgs(plan.tasks[0].args, '/x')).toEqual([
      '--generations',
      '3',
      '--scheme',
      'replace',
      '--seed',
      '0',
      '--out',
      '/x',
      '--resume',
      '--jobs',
      '1',
    ]);
    expect(() => taskAt(plan, 4)).toThrow('--task 4 is not a task of this sweep; expected an integer from 0 to 3.');
  });

  it('leaves the same grid alone, and refuses another one without force', async () => {
    const dir = join(await tempDir(), 'sweep');
    await planSweep({ dir, grid, gridFile: 'grid.json', experiments: fakeExperiments });
    const before = await readFile(join(dir, 'sweep.json'), 'utf8');
    expect((await planSweep({ dir, grid, gridFile: 'grid.json', experiments: fakeExperiments })).written).toBe(false);
    expect(await readFile(join(dir, 'sweep.json'), 'utf8')).toBe(before);
    const other = checkGrid({ ...grid, grid: { seed: [0, 1, 2] } });
    await expect(planSweep({ dir, grid: other, gridFile: 'other.json', experiments: fakeExperiments })).rejects.toThrow(
      /was planned from another grid \(grid.json, 4 tasks\); expected the same grid, or --force/,
    );
    expect(await readFile(join(dir, 'sweep.json'), 'utf8')).toBe(before);
    // --force: the old tasks go (only what the sweep made), the new plan replaces the old.
    await mkdir(join(dir, 'tasks', '003'), { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const { plan } = await planSweep({
      dir,
      grid: other,
      gridFile: 'other.json',
      experiments: fakeExperiments,
      force: true,
    });
    expect(plan.tasks).toHaveLength(3);
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', 'sweep.json']);
  });

  it("--force deletes only what the old sweep made, and stops before deleting anything at a file of the user's in its way", async () => {
    const dir = join(await tempDir(), 'sweep');
    await planSweep({ dir, grid, gridFile: 'grid.json', experiments: fakeExperiments });
    // Task 0 ran: its run, task.json and log; the user added notes beside them and an own report page.
    await writeFakeRun(join(dir, 'tasks', '000', 'replace'), { generations: [{}], analysis: false });
    await writeFile(join(dir, 'tasks', '000', 'replace', 'mine.txt'), 'mine');
    await writeFile(join(dir, 'tasks', '000', 'task.json'), '{"attempts":[]}\n');
    await writeFile(join(dir, 'tasks', '000', 'notes.txt'), 'mine');
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'task-000.log'), 'log');
    await writeFile(join(dir, 'logs', 'my.log'), 'mine');
    await writeFile(join(dir, 'summary.csv'), 'task\n0\n');
    await writeFile(join(dir, 'report.html'), '<html>my page</html>');
    const other = checkGrid({ ...grid, grid: { seed: [0, 1, 2] } });
    const before = await readFile(join(dir, 'sweep.json'), 'utf8');
    await expect(
      planSweep({ dir, grid: other, gridFile: 'other.json', experiments: fakeExperiments, force: true }),
    ).rejects.toThrow(/report\.html has no collapse-lab generator tag/);
    // Nothing was deleted: the old plan and its run are as they were.
    expect(await readFile(join(dir, 'sweep.json'), 'utf8')).toBe(before);
    expect((await stat(join(dir, 'tasks', '000', 'replace', 'run.json'))).isFile()).toBe(true);
    expect(await readFile(join(dir, 'summary.csv'), 'utf8')).toBe('task\n0\n');
    await writeFile(
      join(dir, 'report.html'),
      '<html><head><meta name="generator" content="collapse-lab report"></head></html>',
    );
    await planSweep({ dir, grid: other, gridFile: 'other.json', experiments: fakeExperiments, force: true });
    expect((await readdir(dir)).sort()).toEqual(['logs', 'sweep.json', 'tasks']);
    expect(await readdir(join(dir, 'logs'))).toEqual(['my.log']);
    expect((await readdir(join(dir, 'tasks', '000'))).sort()).toEqual(['notes.txt', 'replace']);
    expect(await readdir(join(dir, 'tasks', '000', 'replace'))).toEqual(['mine.txt']);
  });

  it('checks every task before writing anything', async () => {
    const root = await tempDir();
    const bad = checkGrid({ script: 'vae-mnist', grid: { seed: [0, 1], bogus: [1] } });
    await expect(
      planSweep({ dir: join(root, 'a'), grid: bad, gridFile: 'g.json', experiments: fakeExperiments }),
    ).rejects.toThrow(
      'Grid file g.json does not give vae-mnist valid flags (task 0: seed=0 bogus=1): Unknown argument: bogus.',
    );
    await expect(
      planSweep({
        dir: join(root, 'a'),
        grid: checkGrid({ script: 'ae-celeba' }),
        gridFile: 'g.json',
        experiments: fakeExperiments,
      }),
    ).rejects.toThrow("Grid file g.json names the script 'ae-celeba'; expected one of vae-mnist.");
    expect(await readdir(root)).toEqual([]);
    await writeFile(join(root, 'b'), 'a file');
    await expect(
      planSweep({ dir: join(root, 'b'), grid, gridFile: 'g.json', experiments: fakeExperiments }),
    ).rejects.toThrow('is a file; expected a folder');
    await mkdir(join(root, 'c'));
    await writeFile(join(root, 'c', 'x'), 'not ours');
    await expect(
      planSweep({ dir: join(root, 'c'), grid, gridFile: 'g.json', experiments: fakeExperiments }),
    ).rejects.toThrow('is not empty and holds no sweep.json');
    expect(await readdir(join(root, 'c'))).toEqual(['x']);
  });
});
