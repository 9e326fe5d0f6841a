/** The run-directory layout is spelled in lib/run/ only: everywhere else asks a RunDir or layout.ts for a path. */
import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ROOT } from '../../helpers/cli.ts';

/** A layout name as a string literal (or the start of one, for gen-NNN), which is what building a path takes. */
const LAYOUT = /(['"`])(run\.json|run\.lock|manifest\.json|COMPLETE|generations\.jsonl|timings\.jsonl|record\.json|model\.json|weights\.bin|synthetic\.u8|synthetic\.json|samples\.png|analysis\.json|fixed-samples\.(u8|png)|reconstructions\.(u8|png)|state\.json|model\.bin|optimizer\.bin|classifier\.json|report\.html)\1|['"`]gen-|\.epoch-\$\{|padStart\(3, '0'\)/;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(path)));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('the run-directory layout', () => {
  it('is spelled only under lib/run/ (lib, models, data, scripts)', async () => {
    const offenders: string[] = [];
    for (const top of ['lib', 'models', 'data', 'scripts']) {
      for (const file of await sources(join(ROOT, top))) {
        const rel = relative(ROOT, file);
        if (rel.startsWith(join('lib', 'run'))) continue;
        (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
          if (LAYOUT.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check itself finds a layout name', () => {
    expect(LAYOUT.test("join(dir, 'run.json')")).toBe(true);
    expect(LAYOUT.test('`gen-${n}`')).toBe(true);
    expect(LAYOUT.test('a run.json in a sentence')).toBe(false);
  });
});
