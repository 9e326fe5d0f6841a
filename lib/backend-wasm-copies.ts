/**
 * Identity and same-type Cast on the wasm backend of tfjs 4.22 without copying. The package's
 * kernels copy their input to a new buffer; tfjs's engine calls Identity for every tensor it saves
 * for the backward pass (engine.clone), about 55 times per training step of the dense VAE, and the
 * clone's gradient is a float32 -> float32 Cast. Here the output shares the input's data, as the
 * wasm Reshape and the cpu backend's Identity already do; the backend counts references, and no
 * wasm kernel writes into its inputs, so the values are the same as with a copy.
 */
import * as tf from './tfjs.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';

interface CopyArgs {
  inputs: { x: tf.TensorInfo };
  backend: WasmBackend;
  attrs?: { dtype?: tf.DataType };
}

let registered = false;

/** Replaces the wasm Identity and Cast kernels with ones that share data where a copy is not needed. Idempotent. */
export function registerWasmSharedCopies(): void {
  if (registered) return;
  for (const name of ['Identity', 'Cast']) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    const kernelFunc = (args: CopyArgs): tf.TensorInfo => {
      const { x } = args.inputs;
      const dtype = args.attrs?.dtype ?? x.dtype;
      // Strings live outside the heap, and a Cast to another type converts: both keep the package's kernel.
      if (x.dtype === 'string' || dtype !== x.dtype)
        return original.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype };
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  registered = true;
}
