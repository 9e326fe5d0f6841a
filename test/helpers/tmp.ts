import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
// Registered when a test file imports this helper: an afterAll registered later, from inside a
// beforeAll (where tempDir is usually called), is never run, and the folders were left in /tmp.
afterAll(() => Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

/** A fresh temporary folder, removed after the file's tests. */
export async function tempDir(prefix = 'collapse-lab-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
