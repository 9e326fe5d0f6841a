/**
 * BatchMatMul with a transposed operand on the wasm backend of tfjs 4.22. The package computes
 * transposeA/transposeB through a slow path (about 10x the plain product, measured on 128x784x400),
 * and backpropagation through a dense layer asks for exactly those products. Here the operand is
 * transposed explicitly (a copy) and the fast untransposed product (XNNPACK) runs instead.
 *
 * For a b^T with a large b (the input gradient dy W^T of a wide layer) the product is computed as
 * (b a^T)^T instead: it transposes and packs the small operand and the output rather than the whole
 * weight matrix (for the 400 -> 784 layer at batch 128, 151K values moved instead of 314K, and 100K
 * packed instead of 314K). Either way each output is the same products summed in the same order
 * (XNNPACK accumulates along the inner dimension one term after another), so the numbers are the
 * same as tfjs's own path; a test compares them bit for bit.
 *
 * Products without batch first try the SIMD route of lib/backend-wasm-gemm.ts (the same numbers
 * without XNNPACK's packing); the routes here are for the products it leaves.
 */
import * as tf from './tfjs.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';
import { simdMatMul } from './backend-wasm-gemm.ts';

let registered = false;

/** Replaces the wasm BatchMatMul kernel by one that never takes the slow transposed path. Idempotent. */
export function registerWasmTransposedMatMul(): void {
  if (registered) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const kernelFunc: tf.KernelFunc = function untransposedMatMul({ inputs, backend, attrs }) {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const simd = simdMatMul(backend, { a, b, transposeA, transposeB }, transpose);
    if (simd) return simd;
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const wasm = backend as unknown as WasmBackend;
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
      original.kernelFunc({
        inputs: { a: x, b: y },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
    if (!transposeA && swappedIsSmaller(a.shape, b.shape)) {
      // a b^T = (b a^T)^T
      const aT = swapLast(a);
      const outT = plain(b, aT);
      const out = swapLast(outT);
      wasm.disposeData(aT.dataId);
      wasm.disposeData(outT.dataId);
      return out;
    }
    const ta = transposeA ? swapLast(a) : a;
    const tb = transposeB ? swapLast(b) : b;
    const out = plain(ta, tb);
    if (ta !== a) wasm.disposeData(ta.dataId);
    if (tb !== b) wasm.disposeData(tb.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  registered = true;
}

/** For a [.., M, K] times b [.., N, K]^T: whether moving a and the output (M*K + M*N) is less than moving b (N*K). */
function swappedIsSmaller(aShape: number[], bShape: number[]): boolean {
  const [m, k] = aShape.slice(-2);
  const n = bShape[bShape.length - 2];
  // Broadcast batch dimensions keep the plain route.
  if (aShape.slice(0, -2).join() !== bShape.slice(0, -2).join()) return false;
  return m * k + m * n < n * k;
}
