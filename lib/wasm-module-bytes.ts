/**
 * Helpers to write small WebAssembly modules out byte by byte: the library's SIMD kernels
 * (lib/backend-wasm-*-simd.ts, lib/backend-wasm-sum.ts) are modules of one or two functions working
 * on the wasm backend's own heap, which they import as memory `env.memory`.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

export const get = (l: number) => [0x20, ...uleb(l)];
export const set = (l: number) => [0x21, ...uleb(l)];
export const simd = (op: number) => [0xfd, ...uleb(op)];
/** f32.const v (little-endian float32). */
export const f32 = (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
export const MEMARG = [0x00, 0x00];

/** One exported function: its parameter and result types and its body (locals, then code). */
export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  body: number[];
}

/** A module importing `env.memory` (shared when the heap is a SharedArrayBuffer) and exporting `fns`. */
export function heapModuleBytes(shared: boolean, fns: WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = fns.flatMap((f) => [
    0x60,
    ...uleb(f.params.length),
    ...f.params,
    ...uleb(f.results.length),
    ...f.results,
  ]);
  // An imported memory's limits must contain the real one's: at least 1 page, at most 4 GiB when shared.
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = [1, ...name('env'), ...name('memory'), 0x02, ...limits];
  const exports = fns.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = fns.flatMap((f) => [...uleb(f.body.length), ...f.body]);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [...uleb(fns.length), ...types]),
    ...section(2, imports),
    ...section(3, [...uleb(fns.length), ...fns.map((_, i) => i)]),
    ...section(7, [...uleb(fns.length), ...exports]),
    ...section(10, [...uleb(fns.length), ...codes]),
  ]);
}

/** Whether `memory` is the threaded build's shared heap. */
export function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The module of `bytes(shared)` instantiated over `memory` (once per memory, kept in `cache`), with its
 * exports picked by `pick`; null where this WebAssembly engine cannot compile it (no SIMD), so that
 * the caller's JavaScript loop does the same operations.
 */
export function heapInstance<T>(
  cache: WeakMap<WebAssembly.Memory, T | null>,
  memory: WebAssembly.Memory,
  bytes: (shared: boolean) => Uint8Array<ArrayBuffer>,
  pick: (exports: WebAssembly.Exports) => T,
): T | null {
  if (cache.has(memory)) return cache.get(memory) ?? null;
  let fns: T | null = null;
  try {
    fns = pick(new WebAssembly.Instance(new WebAssembly.Module(bytes(isShared(memory))), { env: { memory } }).exports);
  } catch {
    fns = null;
  }
  cache.set(memory, fns);
  return fns;
}

/** Loop over i = 0, 16, ..., 4n - 16 (bytes), with i and end in the given locals. */
export function loop(n: number, i: number, end: number, body: number[]): number[] {
  return [
    ...get(n),
    0x41,
    2,
    0x74,
    ...set(end),
    0x41,
    0,
    ...set(i), // end = n * 4; i = 0
    0x02,
    0x40,
    0x03,
    0x40, // block, loop
    ...get(i),
    ...get(end),
    0x4f,
    0x0d,
    1, // if i >= end: break
    ...body,
    ...get(i),
    0x41,
    16,
    0x6a,
    ...set(i),
    0x0c,
    0, // i += 16; continue
    0x0b,
    0x0b, // end loop, end block
  ];
}
