/**
 * Binary cross-entropy on logits as two kernels of the wasm backend (models/losses.ts calls them):
 * the forward pass in one sweep over the pixels instead of tfjs's Softplus, Mul, Sub and Sum, and
 * its gradient, dy * (sigmoid(l) - x), in one more instead of the Softplus gradient chain (Sigmoid,
 * three Muls, Neg, Add). The wasm Softplus is a scalar C loop of about 27 ns an element (an exp and
 * a log); here the backend's own SIMD Sigmoid (XNNPACK) runs once, and the loss per pixel,
 * max(l, 0) - log(max(s, 1 - s)) - l x, needs only a short polynomial for the log
 * (lib/backend-wasm-bce-simd.ts). The sigmoid is kept for the gradient.
 *
 * The numbers differ from the composed ops (another log, another order of the sum) in the last
 * float32 digits only: a test bounds the difference.
 */
import * as tf from './tfjs.ts';
import { heapMemory } from './backend-wasm-heap.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';
import { ATANH_COEFFICIENTS, bceSimdFor } from './backend-wasm-bce-simd.ts';

/** Kernel names in tfjs's registry. */
export const BCE_LOGITS = 'CollapseLabBceLogits';
export const BCE_LOGITS_GRAD = 'CollapseLabBceLogitsGrad';

const f = Math.fround;
const C = ATANH_COEFFICIENTS;

let useSimd = true;

/** Whether the kernels use their SIMD functions (true) or only their JavaScript loops; for tests comparing the two. */
export function setBceSimd(on: boolean): void {
  useSimd = on;
}

function simdOf(backend: WasmBackend) {
  const memory = heapMemory(backend);
  return memory && useSimd ? bceSimdFor(memory) : null;
}

function checkFloat32(kernel: string, inputs: tf.TensorInfo[]): void {
  for (const t of inputs)
    if (t.dtype !== 'float32') throw new Error(`${kernel} takes float32 tensors; got ${t.dtype}.`);
}

/** One pixel's loss, max(l, 0) - log(max(s, 1 - s)) - l x, in the float32 operations of the SIMD function. */
function pixelLoss(l: number, x: number, s: number): number {
  const m = Math.max(s, f(1 - s));
  const z = f(f(m - 1) / f(m + 1));
  const z2 = f(z * z);
  let p = C[7];
  for (let k = 6; k >= 0; k--) p = f(f(p * z2) + C[k]);
  return f(f(Math.max(l, 0) - f(f(z + z) * p)) - f(l * x));
}

/** logits, x [n, d] -> [loss per image [n], sigmoid(logits) [n, d]] (the second for the gradient). */
function bceLogits({
  inputs,
  backend,
}: {
  inputs: { logits: tf.TensorInfo; x: tf.TensorInfo };
  backend: WasmBackend;
}): tf.TensorInfo[] {
  const { logits, x } = inputs;
  checkFloat32(BCE_LOGITS, [logits, x]);
  const [n, d] = logits.shape;
  const sigmoid = tf
    .getKernel('Sigmoid', 'wasm')!
    .kernelFunc({ inputs: { x: logits }, backend: backend as unknown as tf.KernelBackend, attrs: {} }) as tf.TensorInfo;
  const loss = backend.makeOutput([n], 'float32');
  // Views are taken after the allocations: growing the wasm heap detaches earlier views.
  const L = backend.typedArrayFromHeap(logits);
  const X = backend.typedArrayFromHeap(x);
  const S = backend.typedArrayFromHeap(sigmoid);
  const out = backend.typedArrayFromHeap(loss);
  const simd = simdOf(backend);
  // SIMD does whole groups of 4 floats of a row, the loops the rest (or everything without SIMD).
  const whole = simd ? d - (d % 4) : 0;
  for (let r = 0; r < n; r++) {
    const row = r * d;
    let sum = 0;
    if (whole > 0) {
      sum = simd!.rowLoss(L.byteOffset + 4 * row, X.byteOffset + 4 * row, S.byteOffset + 4 * row, whole);
    } else if (d >= 4) {
      // The four lanes of the SIMD function, then their sum in its order.
      const acc = [0, 0, 0, 0];
      for (let k = 0; k < d - (d % 4); k++) acc[k % 4] = f(acc[k % 4] + pixelLoss(L[row + k], X[row + k], S[row + k]));
      sum = f(f(f(acc[0] + acc[1]) + acc[2]) + acc[3]);
    }
    for (let k = d - (d % 4); k < d; k++) sum = f(sum + pixelLoss(L[row + k], X[row + k], S[row + k]));
    out[r] = sum;
  }
  return [loss, sigmoid];
}

/** dy [n], sigmoid [n, d], x [n, d] -> dy * (sigmoid - x), the gradient by the logits. */
function bceLogitsGrad({
  inputs,
  backend,
}: {
  inputs: { dy: tf.TensorInfo; sigmoid: tf.TensorInfo; x: tf.TensorInfo };
  backend: WasmBackend;
}): tf.TensorInfo {
  const { dy, sigmoid, x } = inputs;
  checkFloat32(BCE_LOGITS_GRAD, [dy, sigmoid, x]);
  const [n, d] = sigmoid.shape;
  const grad = backend.makeOutput([n, d], 'float32');
  const G = backend.typedArrayFromHeap(dy);
  const S = backend.typedArrayFromHeap(sigmoid);
  const X = backend.typedArrayFromHeap(x);
  const out = backend.typedArrayFromHeap(grad);
  const simd = simdOf(backend);
  const whole = simd ? d - (d % 4) : 0;
  for (let r = 0; r < n; r++) {
    const row = r * d;
    const g = G[r];
    if (whole > 0) simd!.rowGrad(S.byteOffset + 4 * row, X.byteOffset + 4 * row, out.byteOffset + 4 * row, whole, g);
    for (let k = row + whole; k < row + d; k++) out[k] = f(g * f(S[k] - X[k]));
  }
  return grad;
}

/** Registers both kernels for the wasm backend (once). */
export function registerWasmBceKernels(): void {
  if (!tf.getKernel(BCE_LOGITS, 'wasm')) {
    tf.registerKernel({
      kernelName: BCE_LOGITS,
      backendName: 'wasm',
      kernelFunc: bceLogits as unknown as tf.KernelFunc,
    });
  }
  if (!tf.getKernel(BCE_LOGITS_GRAD, 'wasm')) {
    tf.registerKernel({
      kernelName: BCE_LOGITS_GRAD,
      backendName: 'wasm',
      kernelFunc: bceLogitsGrad as unknown as tf.KernelFunc,
    });
  }
}
