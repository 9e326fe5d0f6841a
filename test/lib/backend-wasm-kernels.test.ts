import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import { registerWasmConvKernels } from '../../lib/backend-wasm-kernels.ts';

// These kernels exist for the wasm backend only, so this file runs there whatever the test backend.
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => registerWasmConvKernels({ chunkFloats: 1 << 22 }));

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [4, 4, 3, 6], strides: 2, pad: 'same' },
  { x: [3, 28, 28, 1], filter: [4, 4, 1, 8], strides: 2, pad: 'same' },
  { x: [2, 9, 7, 4], filter: [3, 2, 4, 3], strides: [2, 3], pad: 'valid' },
  { x: [1, 10, 10, 2], filter: [5, 5, 2, 3], strides: 3, pad: 1 },
];

/** dL/dx, dL/dW of L = sum(conv2d(x, W) * w), and conv2dTranspose(w, W), on one backend. */
function gradients(backend: string, c: Case): Float32Array[] {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
      const f = tf.randomNormal(c.filter, 0, 1, 'float32', 2) as tf.Tensor4D;
      const yShape = tf.conv2d(x, f, c.strides, c.pad).shape;
      const w = tf.randomNormal(yShape, 0, 1, 'float32', 3) as tf.Tensor4D;
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), w)))([x, f]);
      const t = tf.conv2dTranspose(w, f, c.x, c.strides, c.pad);
      return [gx, gf, t].map((g) => g.dataSync() as Float32Array);
    });
  } finally {
    tf.setBackend(previous);
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function wasmDataIds(): number {
  return tf.engine().backend.numDataIds();
}

describe('wasm conv kernels (Conv2DBackpropFilter, Conv2DBackpropInput)', () => {
  it('are registered on wasm, where the package has no Conv2DBackpropFilter', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  for (const c of CASES) {
    it(`match the cpu backend's gradients for x ${c.x.join('x')}, filter ${c.filter.join('x')}, strides ${String(c.strides)}, pad ${c.pad}`, () => {
      const before = tf.memory().numTensors;
      const ids = wasmDataIds();
      const cpu = gradients('cpu', c);
      const wasm = gradients('wasm', c);
      for (let i = 0; i < 3; i++) {
        const scale = Math.max(1, ...Array.from(cpu[i], Math.abs));
        expect(maxAbsDiff(cpu[i], wasm[i]) / scale).toBeLessThan(1e-5);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(wasmDataIds()).toBe(ids);
    });
  }

  it('give the same numbers when the work is split into many small chunks', () => {
    const c = CASES[1];
    const whole = gradients('wasm', c);
    registerWasmConvKernels({ chunkFloats: 50 }); // a few output positions per chunk
    try {
      const chunked = gradients('wasm', c);
      for (let i = 0; i < 3; i++) expect(maxAbsDiff(whole[i], chunked[i])).toBeLessThan(1e-5);
    } finally {
      registerWasmConvKernels({ chunkFloats: 1 << 22 });
    }
  });

  it('reject channels-first data with a clear sentence', () => {
    const x = tf.zeros([1, 2, 4, 4]) as tf.Tensor4D;
    const dy = tf.zeros([1, 3, 2, 2]) as tf.Tensor4D;
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [2, 2, 2, 3] })).toThrow(
      /supports dataFormat 'NHWC' only/,
    );
    tf.dispose([x, dy]);
  });

  it('reject a chunk size that is not a positive integer', () => {
    expect(() => registerWasmConvKernels({ chunkFloats: 0 })).toThrow(/chunkFloats 0 must be a positive integer/);
  });
});
