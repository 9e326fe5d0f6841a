import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRecords, formatRecordChecks, readRecordsFile } from '../../lib/record-check.ts';

describe('record-check', () => {
  const committed = {
    generation: 1,
    trainSize: 100,
    realFraction: 1,
    trainLoss: 150.25,
    testLoss: 140,
    epochLosses: [200, 150.25],
    fid: 3,
  };

  it('passes identical records and fails a loss that moved beyond the tolerance', () => {
    expect(compareRecords(committed, { ...committed }, 0).every((c) => c.ok)).toBe(true);
    const moved = compareRecords(committed, { ...committed, testLoss: 140.014 }, 1e-6);
    expect(moved.find((c) => c.field === 'testLoss')).toMatchObject({ ok: false });
    expect(moved.find((c) => c.field === 'testLoss')!.relativeDifference).toBeCloseTo(1e-4, 6);
    expect(compareRecords(committed, { ...committed, testLoss: 140.014 }, 1e-3).every((c) => c.ok)).toBe(true);
    // Fields one side lacks (testRecon here) are left out; a different number of epochs fails.
    expect(moved.map((c) => c.field)).toEqual(['trainSize', 'realFraction', 'trainLoss', 'testLoss', 'epochLosses']);
    expect(
      compareRecords(committed, { ...committed, epochLosses: [150.25] }, 1).find((c) => c.field === 'epochLosses')!.ok,
    ).toBe(false);
    expect(formatRecordChecks(moved)).toContain('| testLoss | 140 | 140.014 | 1.00e-4 | NO |');
  });

  it('reads a generations.jsonl file and names the file and line that is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'record-check-'));
    const good = join(dir, 'generations.jsonl');
    await writeFile(good, `${JSON.stringify(committed)}\n${JSON.stringify({ ...committed, generation: 2 })}\n`);
    expect((await readRecordsFile(good)).map((r) => r.generation)).toEqual([1, 2]);
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify(committed)}\n{oops\n`);
    await expect(readRecordsFile(join(dir, 'none.jsonl'))).rejects.toThrow(
      `${join(dir, 'none.jsonl')} does not exist; expected committed generation records there`,
    );
    await expect(readRecordsFile(bad)).rejects.toThrow(
      `Line 2 of ${bad} is not JSON; expected one generation record per line.`,
    );
  });
});
