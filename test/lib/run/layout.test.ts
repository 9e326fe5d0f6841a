/** The run-directory layout is spelled in lib/run/ only: everywhere else asks a RunDir or layout.ts for a path. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { matchingLines } from '../../helpers/sources.ts';

/** A layout name as a string literal (or the start of one, for gen-NNN), which is what building a path takes. */
const LAYOUT =
  /(['"`])(run\.json|run\.lock|manifest\.json|COMPLETE|generations\.jsonl|timings\.jsonl|record\.json|model\.json|weights\.bin|synthetic\.u8|synthetic\.json|samples\.png|analysis\.json|fixed-samples\.(u8|png)|reconstructions\.(u8|png)|state\.json|model\.bin|optimizer\.bin|classifier\.json|report\.html)\1|['"`]gen-(\d{3}|\$\{)|\.epoch-\$\{|padStart\(3, '0'\)/;

describe('the run-directory layout', () => {
  it('is spelled only under lib/run/ (lib, models, data, scripts)', async () => {
    const { files, hits } = await matchingLines(['lib', 'models', 'data', 'scripts'], LAYOUT, (rel) =>
      rel.startsWith(join('lib', 'run')),
    );
    expect(files).toBeGreaterThan(40);
    expect(hits).toEqual([]);
  });

  it('the check itself finds a layout name', () => {
    expect(LAYOUT.test("join(dir, 'run.json')")).toBe(true);
    expect(LAYOUT.test('`gen-${n}`')).toBe(true);
    expect(LAYOUT.test("'gen-001'")).toBe(true);
    expect(LAYOUT.test('a run.json in a sentence')).toBe(false);
    expect(LAYOUT.test("'gen-12lp'")).toBe(false); // a GPU architecture, not a generation folder
  });
});
