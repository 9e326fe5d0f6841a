/**
 * Matrix products of the wasm backend through the SIMD function of lib/backend-wasm-gemm-simd.ts
 * instead of the package's XNNPACK operator. XNNPACK packs the right operand before multiplying and
 * keeps the packing per tensor, but training makes new weight tensors every step, so it packs again
 * on every call (for [128, 784] x [784, 400], about a third of the product's time); the SIMD function
 * reads the operands where they lie. Its numbers are XNNPACK's bit for bit (see that file): the
 * products of dense layers forward (with bias and relu fused or not) and backward give the same
 * results as before, and test/lib/backend-wasm-matmul.test.ts compares the two routes.
 *
 * The routes, for float32 products without batch (or a batch of 1):
 * - a b: read in place;
 * - a^T b (the weight gradient x^T dy): a read through strides, nothing moved;
 * - a b^T (the input gradient dy W^T): the smaller operand transposed explicitly first; when it is a,
 *   the product computed as (b a^T)^T with the output stored transposed lane by lane.
 * Anything else (batches, a^T b^T, other activations, bias that is not one value per column, small
 * products) returns null, and the caller takes the package's route.
 */
import * as tf from './tfjs.ts';
import { gemmColumns, gemmFor } from './backend-wasm-gemm-simd.ts';
import type { Gemm } from './backend-wasm-gemm-simd.ts';

/** The parts of the wasm backend object used here (it is not exported as a type). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): void;
  /** The Emscripten module: its memory is `wasmMemory` in the threaded build, `asm.memory` otherwise. */
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

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
  const memory = wasm.wasm.wasmMemory ?? wasm.wasm.asm?.memory;
  const gemm = useGemm && memory ? gemmFor(memory) : null;
  if (!gemm || !memory || a.dtype !== 'float32' || b.dtype !== 'float32' || (transposeA && transposeB)) return null;
  if (a.shape.length < 2 || b.shape.length < 2 || batchOf(a.shape) !== 1 || batchOf(b.shape) !== 1) return null;
  const [ra, ca] = a.shape.slice(-2);
  const [rb, cb] = b.shape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const n = transposeB ? rb : cb;
  if ((transposeB ? cb : rb) !== k || m * n * k < MIN_WORK) return null;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return null;
  const lead = (a.shape.length > b.shape.length ? a.shape : b.shape).slice(0, -2);
  // a b^T as (b a^T)^T transposes a (m k values) instead of b (n k); it has no bias column to add.
  const swap = transposeB && !bias && m < n;
  if ((swap ? m : n) < 8) return null;
  const move = (t: tf.TensorInfo) =>
    transpose.kernelFunc({
      inputs: { x: t },
      backend,
      attrs: { perm: t.shape.map((_, i, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i)) },
    }) as tf.TensorInfo;
  const moved = transposeB ? move(swap ? a : b) : null;
  const out = wasm.makeOutput([...lead, m, n], 'float32');
  // Views are taken after every allocation: growing the wasm heap detaches earlier views.
  const at = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t).byteOffset;
  const relu = p.relu ? 1 : 0;
  const args: Parameters<Gemm> = swap
    ? [at(b), 4 * k, 4, at(moved!), 4 * m, at(out), 4 * n, 1, 0, n, m, k, relu]
    : [
        at(a),
        transposeA ? 4 : 4 * k,
        transposeA ? 4 * m : 4,
        at(moved ?? b),
        4 * n,
        at(out),
        4 * n,
        0,
        bias ? at(bias) : 0,
        m,
        n,
        k,
        relu,
      ];
  gemm(...args);
  const columns = swap ? m : n;
  if (columns % 4 !== 0) gemmColumns(new Float32Array(memory.buffer), args, columns - (columns % 4));
  if (moved) wasm.disposeData(moved.dataId);
  return out;
}

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
