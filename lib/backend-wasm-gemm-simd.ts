/**
 * A 128-bit SIMD WebAssembly matrix multiply for the wasm backend's products (lib/backend-wasm-gemm.ts),
 * working on the backend's own heap and reading its operands where they lie. The package's product
 * (XNNPACK) first packs the right operand into its own layout, and caches that packing by tensor:
 * every training step makes new weight tensors, so it packs the weights again on every call. This
 * function reads B's rows in place and reads each A value with v128.load32_splat from any address,
 * so A may be given transposed (strides) at no cost:
 *
 *   gemm(a, sI, sK, b, ldb, c, ldc, bias, m, n, k, relu): for i < m, j < (n rounded down to 4)
 *     acc = bias ? bias[j] : 0
 *     for kk = 0 .. k - 1: acc = acc + A(i, kk) * B(kk, j)     (f32x4.mul, then f32x4.add)
 *     C(i, j) = relu ? pmax(0, acc) : acc
 *   with A(i, kk) at a + i sI + kk sK, B(kk, j) at b + kk ldb + 4j and C(i, j) at c + i ldc + 4j (bytes).
 *
 * Each output is the bias (or 0) plus the products added one after another along k, and relu is
 * XNNPACK's clamp pmax(0, acc): the operations of XNNPACK's f32 GEMM micro-kernels, which also run
 * one k after another with separate multiply and add (WebAssembly has no fused multiply-add), so
 * the numbers are the package's bit for bit (test/lib/backend-wasm-matmul.test.ts compares them).
 * Register tiles are 4 rows by 8 columns (8 accumulators, 2 B vectors, 1 splat: 11 of x64's 16
 * vector registers), with 1-row tiles for the last m % 4 rows and 4-column strips for n % 8; the
 * last n % 4 columns are left to gemmColumns, the same operations in JavaScript.
 */
import { f32, get, heapInstance, heapModuleBytes, I32, MEMARG, set, simd, uleb, V128 } from './wasm-module-bytes.ts';

/** gemm(a, sI, sK, b, ldb, c, ldc, bias, m, n, k, relu): byte addresses and strides; see the header. */
export type Gemm = (
  a: number,
  sI: number,
  sK: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  bias: number,
  m: number,
  n: number,
  k: number,
  relu: number,
) => void;

const PARAMS = 12;
const [A, SI, SK, B, LDB, C, LDC, BIAS, M, N, K, RELU] = [...Array(PARAMS).keys()];
// i32 locals, then v128 locals
const I32_LOCALS = 11;
const [J, J_END8, I, M4, PA, PB, P_END, K_LDB, PC, SI2, SI3] = [...Array(I32_LOCALS).keys()].map((l) => PARAMS + l);
const [ZERO, SPLAT_V, BV0, BV1, ACC0] = [0, 1, 2, 3, 4].map((l) => PARAMS + I32_LOCALS + l);
const BV = [BV0, BV1];
const ACC = [...Array(8).keys()].map((r) => ACC0 + r);
const V128_LOCALS = 12;

const [LOAD, LOAD32_SPLAT, STORE, SPLAT_F32] = [0x00, 0x09, 0x0b, 0x13];
const [ADD, MUL, PMAX] = [0xe4, 0xe6, 0xeb];
const [I32_ADD, I32_MUL, I32_AND, I32_GE_U, I32_GE_S] = [0x6a, 0x6c, 0x71, 0x4f, 0x4e];

const i32 = (v: number) => [0x41, ...sleb(v)];
const add = (x: number[], y: number[]) => [...x, ...y, I32_ADD];
const mul = (x: number[], y: number[]) => [...x, ...y, I32_MUL];
/** memarg with a constant byte offset. */
const at = (offset: number) => [0x00, ...uleb(offset)];
const block = (body: number[]) => [0x02, 0x40, ...body, 0x0b];
/** while (!(stop)) body — `stop` leaves an i32 on the stack. */
const whileNot = (stop: number[], body: number[]) => block([0x03, 0x40, ...stop, 0x0d, 1, ...body, 0x0c, 0, 0x0b]);
const ifThen = (cond: number[], body: number[]) => [...cond, 0x04, 0x40, ...body, 0x0b];

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** One tile of `rows` rows and 4 * `vecs` columns at row I, column byte offset J. */
function tile(rows: number, vecs: number): number[] {
  const acc = (r: number, v: number) => ACC[r * vecs + v];
  const code: number[] = [];
  for (let v = 0; v < vecs; v++) {
    // bv = bias ? load(bias + J + 16 v) : 0, then every row's accumulator starts from it
    code.push(...get(BIAS), 0x04, V128, ...add(get(BIAS), get(J)), ...simd(LOAD), ...at(16 * v));
    code.push(0x05, ...get(ZERO), 0x0b, ...set(BV[v]));
    for (let r = 0; r < rows; r++) code.push(...get(BV[v]), ...set(acc(r, v)));
  }
  code.push(...add(get(A), mul(get(I), get(SI))), ...set(PA));
  code.push(...add(get(B), get(J)), ...set(PB), ...add(get(PB), get(K_LDB)), ...set(P_END));
  const step: number[] = [];
  for (let v = 0; v < vecs; v++) step.push(...get(PB), ...simd(LOAD), ...at(16 * v), ...set(BV[v]));
  const rowOffset = [[], get(SI), get(SI2), get(SI3)];
  for (let r = 0; r < rows; r++) {
    step.push(...get(PA), ...(r ? [...rowOffset[r], I32_ADD] : []), ...simd(LOAD32_SPLAT), ...MEMARG);
    step.push(...set(SPLAT_V));
    for (let v = 0; v < vecs; v++)
      step.push(...get(acc(r, v)), ...get(SPLAT_V), ...get(BV[v]), ...simd(MUL), ...simd(ADD), ...set(acc(r, v)));
  }
  step.push(...add(get(PA), get(SK)), ...set(PA), ...add(get(PB), get(LDB)), ...set(PB));
  code.push(...whileNot([...get(PB), ...get(P_END), I32_GE_U], step));
  const relu: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let v = 0; v < vecs; v++) relu.push(...get(ZERO), ...get(acc(r, v)), ...simd(PMAX), ...set(acc(r, v)));
  code.push(...ifThen(get(RELU), relu));
  // store at C + (I + r) ldc + J + 16 v
  code.push(...add(get(C), add(mul(get(I), get(LDC)), get(J))), ...set(PC));
  for (let r = 0; r < rows; r++)
    for (let v = 0; v < vecs; v++) {
      code.push(...get(PC), ...(r ? [...mul(i32(r), get(LDC)), I32_ADD] : []));
      code.push(...get(acc(r, v)), ...simd(STORE), ...at(16 * v));
    }
  return code;
}

/** All rows for the strip at column byte offset J: 4-row tiles, then 1-row tiles. */
function rows(vecs: number): number[] {
  return [
    ...i32(0),
    ...set(I),
    ...whileNot([...get(I), ...get(M4), I32_GE_S], [...tile(4, vecs), ...add(get(I), i32(4)), ...set(I)]),
    ...whileNot([...get(I), ...get(M), I32_GE_S], [...tile(1, vecs), ...add(get(I), i32(1)), ...set(I)]),
  ];
}

function gemmBody(): number[] {
  const code = [...f32(0), ...simd(SPLAT_F32), ...set(ZERO)];
  code.push(...mul(get(SI), i32(2)), ...set(SI2), ...mul(get(SI), i32(3)), ...set(SI3));
  code.push(...mul(get(K), get(LDB)), ...set(K_LDB));
  code.push(...get(M), ...i32(-4), I32_AND, ...set(M4));
  code.push(...mul([...get(N), ...i32(-8), I32_AND], i32(4)), ...set(J_END8));
  code.push(...i32(0), ...set(J));
  code.push(...whileNot([...get(J), ...get(J_END8), I32_GE_S], [...rows(2), ...add(get(J), i32(32)), ...set(J)]));
  code.push(...ifThen([...get(N), ...i32(4), I32_AND], rows(1)));
  code.push(0x0b);
  return [2, ...uleb(I32_LOCALS), I32, ...uleb(V128_LOCALS), V128, ...code];
}

/** The module's bytes; `shared` when the heap is a SharedArrayBuffer (the threaded build). */
export function gemmModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return heapModuleBytes(shared, [{ name: 'gemm', params: Array(PARAMS).fill(I32), results: [], body: gemmBody() }]);
}

const instances = new WeakMap<WebAssembly.Memory, Gemm | null>();

/** The SIMD product over `memory`, or null where this WebAssembly engine cannot compile it. */
export function gemmFor(memory: WebAssembly.Memory): Gemm | null {
  return heapInstance(instances, memory, gemmModuleBytes, (e) => e.gemm as Gemm);
}

/**
 * The same product in JavaScript for columns `from` .. n - 1 (gemm leaves the last n % 4 columns to it; from = 0
 * is the whole product, which the tests compare gemm with). `heap` is a Float32Array over the whole heap;
 * the addresses and strides are gemm's, in bytes. Each f32 operation is rounded with Math.fround: a float32 sum
 * or product computed in float64 and rounded once is the float32 operation's result.
 */
export function gemmColumns(heap: Float32Array, args: Parameters<Gemm>, from: number): void {
  const [a, sI, sK, b, ldb, c, ldc, bias, m, n, k, relu] = args;
  for (let j = from; j < n; j++)
    for (let i = 0; i < m; i++) {
      let acc = bias ? heap[bias / 4 + j] : 0;
      for (let kk = 0; kk < k; kk++)
        acc = Math.fround(acc + Math.fround(heap[(a + i * sI + kk * sK) / 4] * heap[(b + kk * ldb) / 4 + j]));
      if (relu && !(0 < acc)) acc = 0;
      heap[(c + i * ldc) / 4 + j] = acc;
    }
}
