import { describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { concatSources, createImageSet, quantize, selectSource } from '../../data/images.ts';
import { toFloatBatch } from '../../data/batch.ts';

const set = (values: number[], labels?: number[]) => createImageSet(Uint8Array.from(values), [1, 2, 1], labels ? Uint8Array.from(labels) : undefined);

describe('image sets', () => {
  it('counts images and gathers them by index', () => {
    const s = set([1, 2, 3, 4, 5, 6], [7, 8, 9]);
    expect(s.count).toBe(3);
    expect(Array.from(s.gather([2, 0]))).toEqual([5, 6, 1, 2]);
    expect(Array.from(s.gatherLabels!([1]))).toEqual([8]);
    expect(() => s.gather([3])).toThrow(/index 3 is out of range/);
  });

  it('rejects buffers that are not whole images and mismatched labels', () => {
    expect(() => createImageSet(new Uint8Array(5), [1, 2, 1])).toThrow(/not a whole number of 1x2x1 images/);
    expect(() => createImageSet(new Uint8Array(4), [1, 2, 1], new Uint8Array(3))).toThrow(/Labels have 3 entries but there are 2 images/);
  });

  it('joins and selects without copying, in the right order', () => {
    const a = set([1, 1, 2, 2], [0, 1]);
    const b = set([3, 3], [2]);
    const joined = concatSources([a, b]);
    expect(joined.count).toBe(3);
    expect(Array.from(joined.gather([2, 0, 1]))).toEqual([3, 3, 1, 1, 2, 2]);
    expect(Array.from(joined.gatherLabels!([2, 1]))).toEqual([2, 1]);
    const picked = selectSource(joined, Uint32Array.from([2, 2, 0]));
    expect(picked.count).toBe(3);
    expect(Array.from(picked.gather([0, 2]))).toEqual([3, 3, 1, 1]);
    expect(() => concatSources([a, createImageSet(new Uint8Array(4), [2, 2, 1])])).toThrow(/expected one shape/);
  });

  it('builds float batches in [0, 1] and quantises back', () => {
    const s = set([0, 255, 51, 102]);
    const before = tf.memory().numTensors;
    const x = toFloatBatch(s, [1, 0], true);
    expect(x.shape).toEqual([2, 2]);
    expect(Array.from(x.dataSync())).toEqual([0.2, 0.4, 0, 1].map((v) => Math.fround(v)));
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(quantize(Float32Array.from([-0.1, 0, 0.5, 1, 1.2])))).toEqual([0, 0, 128, 255, 255]);
  });
});
