/**
 * Matrix products of the wasm backend through the SIMD function of lib/backend-wasm-gemm-simd.ts
 * instead of the package's XNNPACK operator. XNNPACK packs the right operand before multiplying and
 * keeps the packing per tensor, but training makes new weight tensors every step, so it packs again
 * on every call (for [128, 784] x [784, 400], about a third of the product's time); the SIMD function
 * reads the operands where they lie. Its numbers are XNNPACK's bit for bit (see that file): the
 * products of dense layers forward (with bias and relu fused or not) and backward give the same
 * results as before, and test/lib/backend-wasm-matmul.test.ts compares the two routes.
 *
 * The routes, for float32 products without batch (or a batch of 1) on the single-threaded build:
 * - a b: read in place;
 * - a^T b (the weight gradient x^T dy): a read through strides, nothing moved;
 * - a b^T (the input gradient dy W^T): b transposed explicitly first (for [400, 784] about a tenth of
 *   the product's time; computing (b a^T)^T from a^T instead, whose rows are 512 bytes apart at batch
 *   128, was slower: such strides share few cache sets).
 * Anything else (batches, a^T b^T, other activations, bias that is not one value per column, small
 * products, and every product of the threaded build, whose XNNPACK splits them over its threads)
 * returns null, and the caller takes the package's route.
 */
import * as tf from './tfjs.ts';
import { heapMemory } from './backend-wasm-heap.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';
import { gemmColumns, gemmFor } from './backend-wasm-gemm-simd.ts';
import type { Gemm } from './backend-wasm-gemm-simd.ts';
import { isShared } from './wasm-module-bytes.ts';

/** Below this many multiply-adds the package's route is kept (its fixed costs no longer matter above). */
const MIN_WORK = 1 << 15;

let useGemm = true;

/** Whether products take the SIMD route (true) or the package's; for tests and measurements comparing the two. */
export function setSimdMatMul(on: boolean): void {
  useGemm = on;
}

/** One product's operands, flags and fused parts. */
export interface Product {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  bias?: tf.TensorInfo;
  relu?: boolean;
}

/**
 * The product through the SIMD function, or null where it does not apply (see the header).
 * `transpose` is the backend's Transpose kernel, for the explicit transposes of a b^T.
 */
export function simdMatMul(backend: object, p: Product, transpose: tf.KernelConfig): tf.TensorInfo | null {
  const { a, b, transposeA, transposeB, bias } = p;
  const wasm = backend as unknown as WasmBackend;
  const memory = heapMemory(wasm);
  // The threaded build (a shared heap) splits XNNPACK's products over its threads: those stay there.
  const gemm = useGemm && memory && !isShared(memory) ? gemmFor(memory) : null;
  if (!gemm || !memory || a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32'))
    return null;
  const dims = simdRoute(a.shape, b.shape, transposeA, transposeB, bias?.shape);
  if (!dims) return null;
  const { m, n, k } = dims;
  const lead = (a.shape.length > b.shape.length ? a.shape : b.shape).slice(0, -2);
  // b^T is made explicitly: b [n x k] holds b^T's columns contiguously, and the SIMD function reads rows.
  const bT = transposeB
    ? (transpose.kernelFunc({ inputs: { x: b }, backend, attrs: { perm: swapLast(b.shape) } }) as tf.TensorInfo)
    : null;
  const out = wasm.makeOutput([...lead, m, n], 'float32');
  // Views are taken after every allocation: growing the wasm heap detaches earlier views.
  const at = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t).byteOffset;
  const [sI, sK] = transposeA ? [4, 4 * m] : [4 * k, 4];
  const args: Parameters<Gemm> = [
    at(a),
    sI,
    sK,
    at(bT ?? b),
    4 * n,
    at(out),
    4 * n,
    bias ? at(bias) : 0,
    m,
    n,
    k,
    p.relu ? 1 : 0,
  ];
  gemm(...args);
  if (n % 4 !== 0) gemmColumns(new Float32Array(memory.buffer), args, n - (n % 4));
  if (bT) wasm.disposeData(bT.dataId);
  return out;
}

/**
 * The product's sizes when the SIMD route applies to these shapes and flags (see the header), else null: no batch
 * (or a batch of 1), not both operands transposed, at least 8 columns, MIN_WORK multiply-adds, and a bias (if any)
 * of one value per column.
 */
export function simdRoute(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
  biasShape?: number[],
): { m: number; n: number; k: number } | null {
  if (transposeA && transposeB) return null;
  if (aShape.length < 2 || bShape.length < 2 || batchOf(aShape) !== 1 || batchOf(bShape) !== 1) return null;
  const [ra, ca] = aShape.slice(-2);
  const [rb, cb] = bShape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const n = transposeB ? rb : cb;
  if ((transposeB ? cb : rb) !== k || n < 8 || m * n * k < MIN_WORK) return null;
  if (biasShape && (biasShape.length !== 1 || biasShape[0] !== n)) return null;
  return { m, n, k };
}

/** The permutation swapping the last two axes. */
const swapLast = (shape: number[]) => shape.map((_, i, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i));

const batchOf = (shape: number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);

let fusedRegistered = false;

/**
 * Replaces the wasm _FusedMatMul kernel (a dense layer's product + bias + activation) by one that takes the SIMD
 * route for untransposed products with linear or relu activation, and the package's kernel otherwise. Idempotent.
 */
export function registerWasmSimdFusedMatMul(): void {
  if (fusedRegistered) return;
  const original = tf.getKernel('_FusedMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const kernelFunc: tf.KernelFunc = function simdFusedMatMul(args) {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation } = args.attrs as Record<string, unknown>;
    // The package computes transposed fused products in another order (its blocked scalar loop): those stay there.
    if (!preluActivationWeights && !transposeA && !transposeB && (activation === 'linear' || activation === 'relu')) {
      const product = { a: a!, b: b!, transposeA: false, transposeB: false, bias: bias ?? undefined };
      const out = simdMatMul(args.backend, { ...product, relu: activation === 'relu' }, transpose);
      if (out) return out;
    }
    return original.kernelFunc(args);
  };
  tf.unregisterKernel('_FusedMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  fusedRegistered = true;
}
