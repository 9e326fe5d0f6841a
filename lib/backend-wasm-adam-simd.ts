/**
 * A 128-bit SIMD WebAssembly function for the fused Adam update (lib/backend-wasm-adam.ts), working
 * on the wasm backend's own heap: its module imports that backend's memory, so no data is copied.
 * The module is small enough to write out here byte by byte; in text form its function is
 *
 *   (func (export "adam") (param $w $m $v $g $ow $om $ov $n i32)
 *         (param $a1 $a2 $b1 $c1 $b2 $c2 $eps $negLr f32)
 *     for i in 0, 16, ..., 4 * $n - 16 (bytes; $n a multiple of 4):
 *       g  = load($g + i)
 *       mi = f32x4.add(f32x4.mul(load($m + i), $b1), f32x4.mul(g, $c1))
 *       vi = f32x4.add(f32x4.mul(load($v + i), $b2), f32x4.mul(f32x4.mul(g, g), $c2))
 *       store($om + i, mi); store($ov + i, vi)
 *       store($ow + i, f32x4.add(f32x4.mul(f32x4.div(f32x4.div(mi, $a1),
 *                    f32x4.add(f32x4.sqrt(f32x4.div(vi, $a2)), $eps)), $negLr), load($w + i))))
 *
 * f32x4 arithmetic is IEEE float32 lane by lane (WebAssembly has no fused multiply-add), so each
 * lane computes exactly what the scalar float32 operations compute.
 */

import { F32, get, heapInstance, heapModuleBytes, I32, MEMARG, set, simd, uleb, V128 } from './wasm-module-bytes.ts';

/** adam(w, m, v, g, ow, om, ov, n, a1, a2, b1, c1, b2, c2, eps, negLr): byte offsets into the heap, n floats. */
export type AdamSimd = (
  w: number,
  m: number,
  v: number,
  g: number,
  ow: number,
  om: number,
  ov: number,
  n: number,
  a1: number,
  a2: number,
  b1: number,
  c1: number,
  b2: number,
  c2: number,
  eps: number,
  negLr: number,
) => void;

// Parameters 0-7 are the i32 pointers and count, 8-15 the f32 scalars; then the locals.
const [W, M, V, G, OW, OM, OV, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = 8; // a1 a2 b1 c1 b2 c2 eps negLr
const I = 16;
const END = 17;
const SPLAT = 18; // 8 v128 locals: the scalars splatted, in parameter order
const [A1, A2, B1, C1, B2, C2, EPS, NEG_LR] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => SPLAT + k);
const [GV, MI, VI] = [26, 27, 28];

const memarg = MEMARG;
const load = (ptr: number) => [...get(ptr), ...get(I), 0x6a, ...simd(0x00), ...memarg];
const storeAt = (ptr: number, value: number[]) => [...get(ptr), ...get(I), 0x6a, ...value, ...simd(0x0b), ...memarg];
const [SPLAT_F32, SQRT, ADD, MUL, DIV] = [0x13, 0xe3, 0xe4, 0xe6, 0xe7];

function body(): number[] {
  const code: number[] = [];
  for (let k = 0; k < 8; k++) code.push(...get(SCALARS + k), ...simd(SPLAT_F32), ...set(SPLAT + k));
  // end = n * 4 (bytes); i = 0
  code.push(...get(N), 0x41, 2, 0x74, ...set(END), 0x41, 0, ...set(I));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(I), ...get(END), 0x4f, 0x0d, 1); // if i >= end: break
  code.push(...load(G), ...set(GV));
  code.push(...load(M), ...get(B1), ...simd(MUL), ...get(GV), ...get(C1), ...simd(MUL), ...simd(ADD), ...set(MI));
  code.push(
    ...load(V),
    ...get(B2),
    ...simd(MUL),
    ...get(GV),
    ...get(GV),
    ...simd(MUL),
    ...get(C2),
    ...simd(MUL),
    ...simd(ADD),
    ...set(VI),
  );
  code.push(...storeAt(OM, get(MI)), ...storeAt(OV, get(VI)));
  const denominator = [...get(VI), ...get(A2), ...simd(DIV), ...simd(SQRT), ...get(EPS), ...simd(ADD)];
  const step = [...get(MI), ...get(A1), ...simd(DIV), ...denominator, ...simd(DIV), ...get(NEG_LR), ...simd(MUL)];
  code.push(...storeAt(OW, [...step, ...load(W), ...simd(ADD)]));
  code.push(...get(I), 0x41, 16, 0x6a, ...set(I), 0x0c, 0); // i += 16; continue
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = [2, ...uleb(2), I32, ...uleb(11), V128];
  return [...locals, ...code];
}

/** The module's bytes; `shared` when the heap is a SharedArrayBuffer (the threaded build). */
export function adamModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const params = [...Array(8).fill(I32), ...Array(8).fill(F32)];
  return heapModuleBytes(shared, [{ name: 'adam', params, results: [], body: body() }]);
}

const instances = new WeakMap<WebAssembly.Memory, AdamSimd | null>();

/** The SIMD update over `memory`, or null where this WebAssembly engine cannot compile it. */
export function adamSimdFor(memory: WebAssembly.Memory): AdamSimd | null {
  return heapInstance(instances, memory, adamModuleBytes, (e) => e.adam as AdamSimd);
}
