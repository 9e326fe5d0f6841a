import { describe, expect, it } from 'vitest';
import { parseTaskIndex } from '../../scripts/task-index.ts';

describe('SLURM_ARRAY_TASK_ID', () => {
  it('reads decimal digits as Slurm writes them', () => {
    expect(parseTaskIndex('SLURM_ARRAY_TASK_ID', '0')).toBe(0);
    expect(parseTaskIndex('SLURM_ARRAY_TASK_ID', '17')).toBe(17);
  });

  for (const text of ['', '  ', '-0', '0x1', '1e0', '1.0', ' 1', '01', '9007199254740993']) {
    it(`refuses ${JSON.stringify(text)}, quoting it`, () => {
      expect(parseTaskIndex('SLURM_ARRAY_TASK_ID', text)).toEqual({
        problem: `SLURM_ARRAY_TASK_ID ${JSON.stringify(text)} is not a task index; expected a non-negative integer in decimal digits, as Slurm sets it.`,
      });
    });
  }
});
