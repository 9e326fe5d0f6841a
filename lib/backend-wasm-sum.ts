/**
 * Sum over leading axes on the wasm backend of tfjs 4.22: the gradient of every bias (dy [batch,
 * units] summed over the batch) and of every broadcast add. The package's Sum reduces the innermost
 * axis only, so for these it first transposes the whole input, then sums each row in a scalar loop
 * (about 4 ns an element). Here the rows are added into the output one after another, four columns
 * at a time, with a 128-bit SIMD function on the backend's heap:
 *
 *   colSum(x, out, rows, n, stride): out[0..n) = 0; then for each row r, out[j] += x[r * stride + j]
 *
 * Each output is 0 + x[0][j] + x[1][j] + ... in row order, exactly the package's order (its loop
 * starts from 0 and adds the transposed row left to right), and f32x4.add is IEEE float32 lane by
 * lane: the sums are bit-identical to the package's (a test compares them). Any other reduction,
 * and every non-float32 one, goes to the package's kernel.
 */
import * as tf from './tfjs.ts';
import { heapMemory } from './backend-wasm-heap.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';
import {
  f32,
  get,
  heapInstance,
  heapModuleBytes,
  I32,
  loop,
  MEMARG,
  set,
  simd,
  uleb,
  V128,
} from './wasm-module-bytes.ts';

/** colSum(x, out, rows, n, stride): byte offsets into the heap, n floats (a multiple of 4), stride in bytes. */
export type ColSum = (x: number, out: number, rows: number, n: number, stride: number) => void;

const [SPLAT_F32, LOAD, STORE, ADD] = [0x13, 0x00, 0x0b, 0xe4];

function colSumBody(): number[] {
  const [X, OUT, ROWS, N, STRIDE, I, END, R, ZERO] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const at = (ptr: number) => [...get(ptr), ...get(I), 0x6a];
  const code = [
    ...f32(0),
    ...simd(SPLAT_F32),
    ...set(ZERO),
    ...loop(N, I, END, [...at(OUT), ...get(ZERO), ...simd(STORE), ...MEMARG]),
    0x41,
    0,
    ...set(R), // r = 0
    0x02,
    0x40,
    0x03,
    0x40, // block, loop
    ...get(R),
    ...get(ROWS),
    0x4f,
    0x0d,
    1, // if r >= rows: break
    ...loop(N, I, END, [
      ...at(OUT),
      ...at(OUT),
      ...simd(LOAD),
      ...MEMARG,
      ...at(X),
      ...simd(LOAD),
      ...MEMARG,
      ...simd(ADD),
      ...simd(STORE),
      ...MEMARG,
    ]),
    ...get(X),
    ...get(STRIDE),
    0x6a,
    ...set(X), // x += stride
    ...get(R),
    0x41,
    1,
    0x6a,
    ...set(R), // r += 1
    0x0c,
    0, // continue
    0x0b,
    0x0b, // end loop, end block
    0x0b, // end function
  ];
  return [2, ...uleb(3), I32, ...uleb(1), V128, ...code];
}

/** The module's bytes; `shared` when the heap is a SharedArrayBuffer (the threaded build). */
export function sumModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return heapModuleBytes(shared, [
    { name: 'colSum', params: [I32, I32, I32, I32, I32], results: [], body: colSumBody() },
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, ColSum | null>();

/** The SIMD column sum over `memory`, or null where this WebAssembly engine cannot compile it. */
export function colSumFor(memory: WebAssembly.Memory): ColSum | null {
  return heapInstance(instances, memory, sumModuleBytes, (e) => e.colSum as ColSum);
}

let useSimd = true;

/** Whether the kernel uses its SIMD function (true) or only its JavaScript loop; for tests comparing the two. */
export function setColumnSumSimd(on: boolean): void {
  useSimd = on;
}

/** How many leading axes `axis` reduces (0 when it is not exactly the first k < rank axes). */
function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

let registered = false;

/** Replaces the wasm Sum kernel by one that adds rows in place of transposing for leading-axes sums. Idempotent. */
export function registerWasmColumnSum(): void {
  if (registered) return;
  const original = tf.getKernel('Sum', 'wasm');
  if (!original) return;
  const kernelFunc: tf.KernelFunc = function leadingAxesSum(args) {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape) : 0;
    if (k === 0) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackend;
    const rows = x.shape.slice(0, k).reduce((p, d) => p * d, 1);
    const kept = x.shape.slice(k);
    const n = kept.reduce((p, d) => p * d, 1);
    const out = backend.makeOutput(keepDims ? [...Array(k).fill(1), ...kept] : kept, 'float32');
    // Views are taken after the allocation: growing the wasm heap detaches earlier views.
    const X = backend.typedArrayFromHeap(x);
    const O = backend.typedArrayFromHeap(out);
    const memory = heapMemory(backend);
    const colSum = memory && useSimd ? colSumFor(memory) : null;
    // SIMD adds whole groups of 4 columns, the loop the rest (or everything without SIMD).
    const whole = colSum ? n - (n % 4) : 0;
    if (whole > 0) colSum!(X.byteOffset, O.byteOffset, rows, whole, 4 * n);
    for (let j = whole; j < n; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s = Math.fround(s + X[r * n + j]);
      O[j] = s;
    }
    return out;
  };
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  registered = true;
}
