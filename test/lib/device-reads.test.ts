/**
 * Synchronous device reads (dataSync, arraySync, bufferSync) block a GPU until its queue drains and
 * throw on WebGPU, whose reads are asynchronous: lib/, models/ and data/ read tensors with await.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['lib', 'models', 'data'];
const SYNC_READ = /\.(dataSync|arraySync|bufferSync)\s*\(/;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('device reads', () => {
  it('finds no synchronous tensor read in lib/, models/ or data/', async () => {
    const files = (await Promise.all(ROOTS.map(sources))).flat();
    expect(files.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const f of files) {
      (await readFile(f, 'utf8')).split('\n').forEach((line, i) => {
        if (SYNC_READ.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
