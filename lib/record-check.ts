/**
 * Whether committed records still come out of the code: a generation rerun beside the record a
 * findings page was drawn from (docs/data/paper/<model>/<scheme>/records.jsonl), field by field.
 * scripts/check-findings.ts reruns and prints this.
 */
import { readFile } from 'node:fs/promises';

/** The seed-determined fields compared: sizes, losses and every epoch's loss. */
export const CHECKED_FIELDS = [
  'trainSize',
  'realFraction',
  'trainLoss',
  'testLoss',
  'testRecon',
  'testKl',
  'epochLosses',
] as const;

/** One compared field: the committed value, the rerun's, and the largest relative difference. */
export interface FieldCheck {
  field: string;
  committed: number | number[];
  rerun: number | number[];
  relativeDifference: number;
  ok: boolean;
}

/**
 * The records of a generations.jsonl file, one JSON object per line; one sentence naming the file when a line is
 * not JSON.
 */
export async function readRecordsFile(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new Error(
        `${path} does not exist; expected committed generation records there (one JSON object per line).`,
      );
    throw err;
  });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`Line ${i + 1} of ${path} is not JSON; expected one generation record per line.`);
      }
    });
}

const relative = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/**
 * Compares the CHECKED_FIELDS both records have; a field passes when every number is within
 * `tolerance` relative difference (0: bit-identical, what the same backend gives).
 */
export function compareRecords(
  committed: Record<string, unknown>,
  rerun: Record<string, unknown>,
  tolerance: number,
): FieldCheck[] {
  const out: FieldCheck[] = [];
  for (const field of CHECKED_FIELDS) {
    const a = committed[field];
    const b = rerun[field];
    if (a === undefined || b === undefined) continue;
    const as = Array.isArray(a) ? (a as number[]) : [a as number];
    const bs = Array.isArray(b) ? (b as number[]) : [b as number];
    const diff = as.length !== bs.length ? Infinity : Math.max(0, ...as.map((v, i) => relative(v, bs[i])));
    out.push({
      field,
      committed: a as number | number[],
      rerun: b as number | number[],
      relativeDifference: diff,
      ok: diff <= tolerance,
    });
  }
  return out;
}

/** | field | committed | rerun | relative difference | ok | (arrays shown by their last value and length). */
export function formatRecordChecks(checks: readonly FieldCheck[]): string {
  const show = (v: number | number[]): string =>
    Array.isArray(v) ? `${v.length} values, last ${v[v.length - 1]}` : String(v);
  const rows = checks.map(
    (c) =>
      `| ${c.field} | ${show(c.committed)} | ${show(c.rerun)} | ${c.relativeDifference.toExponential(2)} ` +
      `| ${c.ok ? 'yes' : 'NO'} |`,
  );
  return (
    ['| field | committed | rerun | relative difference | ok |', '| --- | ---: | ---: | ---: | --- |', ...rows].join(
      '\n',
    ) + '\n'
  );
}
