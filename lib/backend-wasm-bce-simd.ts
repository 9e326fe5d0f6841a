/**
 * 128-bit SIMD WebAssembly functions for the binary cross-entropy kernels (lib/backend-wasm-bce.ts),
 * working on the wasm backend's own heap. With s = sigmoid(l) already computed (the backend's own
 * XNNPACK Sigmoid), softplus(l) = max(l, 0) - log(max(s, 1 - s)), and m = max(s, 1 - s) lies in
 * [1/2, 1], where log m = 2 atanh(z) = 2 (z + z^3/3 + ... + z^15/15) with z = (m - 1) / (m + 1) in
 * [-1/3, 0]: the series' next term is below 1e-9, so no exp or range reduction is needed.
 *
 *   rowLoss(l, x, s, n) -> f32: over n floats (n a multiple of 4), lane by lane
 *     acc += (max(l, 0) - (z + z) * p(z * z)) - l * x        (p by Horner, highest term first)
 *   and then ((acc0 + acc1) + acc2) + acc3.
 *   rowGrad(s, x, out, n, g): out = g * (s - x) over n floats.
 *
 * f32x4 arithmetic is IEEE float32 lane by lane (no fused multiply-add), so the JavaScript loop of
 * lib/backend-wasm-bce.ts that does the same operations with Math.fround gets the same bits.
 */
import {
  F32,
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

/** rowLoss(l, x, s, n): byte offsets into the heap and n floats; the row's summed loss. */
export type RowLoss = (l: number, x: number, s: number, n: number) => number;
/** rowGrad(s, x, out, n, g): byte offsets into the heap, n floats and the row's upstream gradient. */
export type RowGrad = (s: number, x: number, out: number, n: number, g: number) => void;

/** 1, 1/3, ..., 1/15 as float32: the atanh series' coefficients, lowest first. */
export const ATANH_COEFFICIENTS = [1, 3, 5, 7, 9, 11, 13, 15].map((k) => Math.fround(1 / k));

const [SPLAT_F32, EXTRACT_F32] = [0x13, 0x1f];
const [ADD, SUB, MUL, DIV, MAX] = [0xe4, 0xe5, 0xe6, 0xe7, 0xe9];
const F32_ADD = 0x92;

function rowLossBody(): number[] {
  const [L, X, S, N, I, END] = [0, 1, 2, 3, 4, 5];
  const [ACC, ONE, ZERO, LV, MV, Z, Z2, P] = [6, 7, 8, 9, 10, 11, 12, 13];
  const COEF = 14; // 8 locals, ATANH_COEFFICIENTS splatted
  const load = (ptr: number) => [...get(ptr), ...get(I), 0x6a, ...simd(0x00), ...MEMARG];
  const splat = (v: number, local: number) => [...f32(v), ...simd(SPLAT_F32), ...set(local)];
  const code: number[] = [...splat(0, ACC), ...splat(1, ONE), ...splat(0, ZERO)];
  ATANH_COEFFICIENTS.forEach((c, k) => code.push(...splat(c, COEF + k)));
  const horner: number[] = [...get(COEF + 7), ...set(P)];
  for (let k = 6; k >= 0; k--)
    horner.push(...get(P), ...get(Z2), ...simd(MUL), ...get(COEF + k), ...simd(ADD), ...set(P));
  code.push(
    ...loop(N, I, END, [
      ...load(L),
      ...set(LV),
      ...load(S),
      ...get(ONE),
      ...load(S),
      ...simd(SUB),
      ...simd(MAX),
      ...set(MV), // m = max(s, 1 - s)
      ...get(MV),
      ...get(ONE),
      ...simd(SUB),
      ...get(MV),
      ...get(ONE),
      ...simd(ADD),
      ...simd(DIV),
      ...set(Z),
      ...get(Z),
      ...get(Z),
      ...simd(MUL),
      ...set(Z2),
      ...horner,
      ...get(ACC),
      ...get(LV),
      ...get(ZERO),
      ...simd(MAX),
      ...get(Z),
      ...get(Z),
      ...simd(ADD),
      ...get(P),
      ...simd(MUL),
      ...simd(SUB),
      ...get(LV),
      ...load(X),
      ...simd(MUL),
      ...simd(SUB),
      ...simd(ADD),
      ...set(ACC),
    ]),
  );
  const lane = (k: number) => [...get(ACC), ...simd(EXTRACT_F32), k];
  code.push(...lane(0), ...lane(1), F32_ADD, ...lane(2), F32_ADD, ...lane(3), F32_ADD, 0x0b);
  return [2, ...uleb(2), I32, ...uleb(16), V128, ...code];
}

function rowGradBody(): number[] {
  const [S, X, OUT, N, G, I, END, GV] = [0, 1, 2, 3, 4, 5, 6, 7];
  const at = (ptr: number) => [...get(ptr), ...get(I), 0x6a];
  const load = (ptr: number) => [...at(ptr), ...simd(0x00), ...MEMARG];
  const code = [
    ...get(G),
    ...simd(SPLAT_F32),
    ...set(GV),
    ...loop(N, I, END, [
      ...at(OUT),
      ...get(GV),
      ...load(S),
      ...load(X),
      ...simd(SUB),
      ...simd(MUL),
      ...simd(0x0b),
      ...MEMARG,
    ]),
    0x0b,
  ];
  return [2, ...uleb(2), I32, ...uleb(1), V128, ...code];
}

/** The module's bytes; `shared` when the heap is a SharedArrayBuffer (the threaded build). */
export function bceModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return heapModuleBytes(shared, [
    { name: 'rowLoss', params: [I32, I32, I32, I32], results: [F32], body: rowLossBody() },
    { name: 'rowGrad', params: [I32, I32, I32, I32, F32], results: [], body: rowGradBody() },
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, { rowLoss: RowLoss; rowGrad: RowGrad } | null>();

/** The SIMD functions over `memory`, or null where this WebAssembly engine cannot compile them. */
export function bceSimdFor(memory: WebAssembly.Memory): { rowLoss: RowLoss; rowGrad: RowGrad } | null {
  return heapInstance(instances, memory, bceModuleBytes, (e) => ({
    rowLoss: e.rowLoss as RowLoss,
    rowGrad: e.rowGrad as RowGrad,
  }));
}
