/**
 * The parts of tfjs's wasm backend object (not exported as a type by the package) that the library's
 * own wasm kernels use, and the backend's heap, which their SIMD modules import as their memory.
 */
import type * as tf from './tfjs.ts';

export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): unknown;
  incRef(dataId: object): void;
  /** The Emscripten module: its memory is `wasmMemory` in the threaded build, `asm.memory` otherwise. */
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

/** The backend's heap, or undefined where the Emscripten module exposes none. */
export function heapMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  return backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
}
