import { beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendSteps, cutSteps, readSteps } from '../../../lib/run/steps.ts';
import type { StepRecord } from '../../../lib/run/steps.ts';
import { tempDir } from '../../helpers/tmp.ts';

let root: string;
beforeAll(async () => {
  root = await tempDir();
});

const step = (step: number, generation: number, epoch: number): StepRecord => ({
  step,
  generation,
  epoch,
  loss: 100 - step,
  seconds: step / 10,
});

describe('steps.jsonl', () => {
  it('appends whole lines and reads them back', async () => {
    const dir = await tempDir();
    await appendSteps(dir, [step(1, 1, 1), step(2, 1, 2)]);
    await appendSteps(dir, []);
    await appendSteps(dir, [step(3, 2, 1)]);
    expect(await readSteps(dir)).toEqual([step(1, 1, 1), step(2, 1, 2), step(3, 2, 1)]);
    expect((await readFile(join(dir, 'steps.jsonl'), 'utf8')).split('\n')[0]).toBe(
      '{"step":1,"generation":1,"epoch":1,"loss":99,"seconds":0.1}',
    );
  });

  it('reads nothing from a run without a log', async () => {
    expect(await readSteps(join(root, 'none'))).toEqual([]);
  });

  it('a resume cuts the log back to its checkpoint, dropping a line torn by a crash', async () => {
    const dir = await tempDir();
    await appendSteps(dir, [step(1, 1, 1), step(2, 1, 2), step(3, 2, 1), step(4, 2, 2), step(5, 2, 3)]);
    await appendFile(join(dir, 'steps.jsonl'), '{"step":6,"gener');
    expect(await readSteps(dir)).toHaveLength(5);
    await cutSteps(dir, 2, 1);
    expect(await readSteps(dir)).toEqual([step(1, 1, 1), step(2, 1, 2), step(3, 2, 1)]);
    await cutSteps(dir, 2, 0);
    expect(await readFile(join(dir, 'steps.jsonl'), 'utf8')).toBe(
      [step(1, 1, 1), step(2, 1, 2)].map((s) => JSON.stringify(s) + '\n').join(''),
    );
  });
});
