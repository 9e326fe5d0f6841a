/**
 * Synchronous device reads (dataSync, arraySync, bufferSync) block a GPU until its queue drains and
 * throw on WebGPU, whose reads are asynchronous: lib/, models/ and data/ read tensors with await.
 */
import { describe, expect, it } from 'vitest';
import { matchingLines } from '../helpers/sources.ts';

const ROOTS = ['lib', 'models', 'data'];
const SYNC_READ = /\.(dataSync|arraySync|bufferSync)\s*\(/;

describe('device reads', () => {
  it('finds no synchronous tensor read in lib/, models/ or data/', async () => {
    const { files, hits } = await matchingLines(ROOTS, SYNC_READ);
    expect(files).toBeGreaterThan(20);
    expect(hits).toEqual([]);
  });
});
