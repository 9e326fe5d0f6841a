/**
 * Binary cross-entropy on logits as two kernels of the wasm backend (models/losses.ts calls them):
 * the forward pass in one sweep over the pixels instead of tfjs's Softplus, Mul, Sub and Sum, and
 * its gradient, dy * (sigmoid(l) - x), in one more instead of the Softplus gradient chain (Sigmoid,
 * three Muls, Neg, Add). The wasm Softplus is a scalar C loop of about 27 ns an element; here each
 * pixel costs one exp and one log1p.
 *
 * Per pixel, in double and then rounded once: softplus(l) - l x = max(l, 0) + log1p(e) - l x with
 * e = exp(-|l|) (no overflow for any l), and sigmoid(l) from the same e. Each image's loss is summed
 * in double. The numbers therefore differ from the composed ops (float32 throughout, the package's
 * own exp and log) in the last float32 digits only.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel names in tfjs's registry. */
export const BCE_LOGITS = 'CollapseLabBceLogits';
export const BCE_LOGITS_GRAD = 'CollapseLabBceLogitsGrad';

/** The parts of the wasm backend object the kernels use (it is not exported as a type). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

function checkFloat32(kernel: string, inputs: tf.TensorInfo[]): void {
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`${kernel} takes float32 tensors; got ${t.dtype}.`);
}

/** logits, x [n, d] -> [loss per image [n], sigmoid(logits) [n, d]] (the second for the gradient). */
function bceLogits({ inputs, backend }: { inputs: { logits: tf.TensorInfo; x: tf.TensorInfo }; backend: WasmBackend }): tf.TensorInfo[] {
  const { logits, x } = inputs;
  checkFloat32(BCE_LOGITS, [logits, x]);
  const [n, d] = logits.shape;
  const loss = backend.makeOutput([n], 'float32');
  const sigmoid = backend.makeOutput([n, d], 'float32');
  // Views are taken after the allocations: growing the wasm heap detaches earlier views.
  const L = backend.typedArrayFromHeap(logits);
  const X = backend.typedArrayFromHeap(x);
  const out = backend.typedArrayFromHeap(loss);
  const S = backend.typedArrayFromHeap(sigmoid);
  for (let r = 0, k = 0; r < n; r++) {
    let sum = 0;
    for (const end = k + d; k < end; k++) {
      const l = L[k];
      const e = Math.exp(-Math.abs(l));
      sum += (l > 0 ? l : 0) + Math.log1p(e) - l * X[k];
      S[k] = (l >= 0 ? 1 : e) / (1 + e);
    }
    out[r] = sum;
  }
  return [loss, sigmoid];
}

/** dy [n], sigmoid [n, d], x [n, d] -> dy * (sigmoid - x), the gradient by the logits. */
function bceLogitsGrad({ inputs, backend }: { inputs: { dy: tf.TensorInfo; sigmoid: tf.TensorInfo; x: tf.TensorInfo }; backend: WasmBackend }): tf.TensorInfo {
  const { dy, sigmoid, x } = inputs;
  checkFloat32(BCE_LOGITS_GRAD, [dy, sigmoid, x]);
  const [n, d] = sigmoid.shape;
  const grad = backend.makeOutput([n, d], 'float32');
  const G = backend.typedArrayFromHeap(dy);
  const S = backend.typedArrayFromHeap(sigmoid);
  const X = backend.typedArrayFromHeap(x);
  const out = backend.typedArrayFromHeap(grad);
  for (let r = 0, k = 0; r < n; r++) {
    const g = G[r];
    for (const end = k + d; k < end; k++) out[k] = g * (S[k] - X[k]);
  }
  return grad;
}

/** Registers both kernels for the wasm backend (once). */
export function registerWasmBceKernels(): void {
  if (!tf.getKernel(BCE_LOGITS, 'wasm')) {
    tf.registerKernel({ kernelName: BCE_LOGITS, backendName: 'wasm', kernelFunc: bceLogits as unknown as tf.KernelFunc });
  }
  if (!tf.getKernel(BCE_LOGITS_GRAD, 'wasm')) {
    tf.registerKernel({ kernelName: BCE_LOGITS_GRAD, backendName: 'wasm', kernelFunc: bceLogitsGrad as unknown as tf.KernelFunc });
  }
}
