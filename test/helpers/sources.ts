/** Source-code checks: find the lines of the project's .ts files that match a pattern. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ROOT } from './cli.ts';

/** Every .ts file under `dir` (absolute). */
export async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** "path:line: text" of every line matching `pattern` in the .ts files under the top folders `tops`, except files `skip` selects (by path from the repository root). */
export async function matchingLines(
  tops: readonly string[],
  pattern: RegExp,
  skip: (rel: string) => boolean = () => false,
): Promise<{ files: number; hits: string[] }> {
  const hits: string[] = [];
  let files = 0;
  for (const top of tops) {
    for (const file of await sourceFiles(join(ROOT, top))) {
      const rel = relative(ROOT, file);
      if (skip(rel)) continue;
      files++;
      (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
        if (pattern.test(line)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  return { files, hits };
}
