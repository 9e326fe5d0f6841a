import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  arraySpec,
  readSubmissions,
  sbatchScript,
  squeue,
  submitSbatch,
  writeSbatch,
} from '../../../lib/sweep/slurm.ts';
import { tempDir } from '../../helpers/tmp.ts';

/** An executable shell script standing in for a Slurm command. */
async function fakeCommand(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('Slurm job arrays', () => {
  it("lists tasks in sbatch's --array syntax", () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([7, 0, 2, 3, 5, 6])).toBe('0,2-3,5-7');
    expect(arraySpec([4])).toBe('4');
  });

  it('writes a batch script with the array, the resources, the logs and the command quoted for the shell', async () => {
    const dir = await tempDir();
    const text = sbatchScript({
      dir,
      tasks: [0, 1, 3],
      workdir: '/repo',
      command: ['printf', '%s|', "it's a dir", 'a b'],
      maxRunning: 2,
      partition: 'gpu',
      gpusPerTask: 1,
      cpusPerTask: 4,
      mem: '8G',
      time: '04:00:00',
      extra: ['--qos=long'],
    });
    const directives = text.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual([
      `#SBATCH --job-name=collapse-lab-${dir.split('/').at(-1)}`,
      '#SBATCH --array=0-1,3%2',
      `#SBATCH --output=${join(dir, 'logs', 'slurm-%A_%a.out')}`,
      '#SBATCH --chdir=/repo',
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --partition=gpu',
      '#SBATCH --mem=8G',
      '#SBATCH --time=04:00:00',
      '#SBATCH --qos=long',
    ]);
    // Run as a plain shell script (the #SBATCH lines are comments): the arguments arrive intact.
    const path = join(dir, 'job.sh');
    await writeFile(path, text);
    const r = spawnSync('bash', [path], { encoding: 'utf8', env: { PATH: process.env.PATH, TMPDIR: dir } });
    expect(r.stdout).toBe("it's a dir|a b|");
    // The folder is named as given, and the character called what it is (the job's default name is not blamed).
    expect(() => sbatchScript({ dir: '/tmp/my sweep', tasks: [0], workdir: '/repo', command: ['x'] })).toThrow(
      '--dir "/tmp/my sweep" has a space, which an #SBATCH line cannot hold (sbatch reads those lines without a shell); expected a value without spaces, newlines, quotes or backslashes.',
    );
    expect(() => sbatchScript({ dir: '/tmp/nl\nx', tasks: [0], workdir: '/repo', command: ['x'] })).toThrow(
      /^--dir "\/tmp\/nl\\nx" has a newline, which/,
    );
    expect(() =>
      sbatchScript({ dir: '/tmp/ok', tasks: [0], workdir: '/repo', command: ['x'], jobName: "it's" }),
    ).toThrow(/^--job-name "it's" has a quote/);
    expect(() => sbatchScript({ dir, tasks: [], workdir: '/repo', command: ['x'] })).toThrow('No task to submit');
    expect(() => sbatchScript({ dir, tasks: [0], workdir: '/repo', command: ['x'], extra: ['qos=long'] })).toThrow(
      "Extra sbatch option 'qos=long' is not one option",
    );
  });

  it('submits with sbatch --parsable and records every submission', async () => {
    const dir = await tempDir();
    await writeSbatch({ dir, tasks: [0, 1], workdir: '/repo', command: ['true'] });
    const sbatch = await fakeCommand(dir, 'sbatch', 'echo "42;cluster"');
    expect(await submitSbatch(dir, [0, 1], sbatch)).toMatchObject({ arrayJobId: '42', tasks: [0, 1] });
    await submitSbatch(dir, [1], sbatch);
    expect((await readSubmissions(dir)).map((s) => [s.arrayJobId, s.tasks])).toEqual([
      ['42', [0, 1]],
      ['42', [1]],
    ]);
    const refusing = await fakeCommand(
      dir,
      'sbatch-no',
      'echo "sbatch: error: invalid partition specified: gpu" >&2; exit 1',
    );
    await expect(submitSbatch(dir, [0], refusing)).rejects.toThrow(
      /sbatch refused .*sweep.sbatch: sbatch: error: invalid partition specified: gpu/,
    );
    await expect(submitSbatch(dir, [0], join(dir, 'missing'))).rejects.toThrow('sbatch was not found');
    expect(await readFile(join(dir, 'sweep.sbatch'), 'utf8')).toContain('#SBATCH --array=0-1');
  });

  it("reads this sweep's array tasks from squeue, pending ranges expanded; null without squeue", async () => {
    const dir = await tempDir();
    const lines = [
      '50|50|4-6%2|PENDING|',
      '51|50|3|RUNNING|node1',
      '52|50|2|COMPLETING|node2',
      '60|60|0|RUNNING|node1',
      '70|70|N/A|RUNNING|node3',
    ];
    const fake = await fakeCommand(dir, 'squeue', `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}`);
    const entries = await squeue(['50'], fake);
    expect(entries!.map((e) => [e.taskId, e.state, e.node])).toEqual([
      [4, 'PENDING', ''],
      [5, 'PENDING', ''],
      [6, 'PENDING', ''],
      [3, 'RUNNING', 'node1'],
      [2, 'COMPLETING', 'node2'],
    ]);
    expect(await squeue(['50'], join(dir, 'missing'))).toBeNull();
  });
});
