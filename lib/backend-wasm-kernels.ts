/**
 * Convolution kernels for the wasm backend of tfjs 4.22 (registered by lib/backend.ts only when that
 * backend is in use):
 *
 * - Conv2DBackpropFilter: the wasm package has none, so any conv net fails to train there. With
 *   `cols` the im2col matrix of the input (one row per output position, one column per
 *   (kh, kw, inChannel)) and `dy` the output gradient as [positions, outChannels], the filter
 *   gradient is dW = cols^T dy: one product per chunk of output positions on the backend's own
 *   BatchMatMul (XNNPACK). cols^T is written directly, so the product needs no transposed operand
 *   (the wasm BatchMatMul is slow with one) and its small operand, dy, is the one XNNPACK packs.
 * - Conv2DBackpropInput (the gradient of conv2d by its input, and the forward pass of
 *   conv2dTranspose): the package's kernel is a plain loop, about 10x slower than its own Conv2D
 *   of the same size (750 ms against 70 ms for 64 images 4x4x256 -> 8x8x128). We compute
 *   cols = dy W^T with BatchMatMul and add each row of `cols` back into the input positions it came
 *   from (col2im), which runs at about the speed of the Conv2D.
 *
 * Only channels-last (NHWC) data and dilation 1 are handled, as by the wasm Conv2D kernel itself.
 */
import * as tf from './tfjs.ts';
import type { WasmBackend } from './backend-wasm-heap.ts';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export interface WasmConvKernelOptions {
  /**
   * Floats in one temporary im2col matrix (in the wasm heap); larger problems are done in chunks of
   * output positions. Defaults to 2^22 (16 MB).
   */
  chunkFloats?: number;
}

let chunkFloats = 1 << 22;
let registered = false;

/** Registers the kernels above for the wasm backend (once; later calls only update the options). */
export function registerWasmConvKernels(options: WasmConvKernelOptions = {}): void {
  if (options.chunkFloats !== undefined) {
    if (!(Number.isInteger(options.chunkFloats) && options.chunkFloats > 0)) {
      throw new Error(`chunkFloats ${options.chunkFloats} must be a positive integer.`);
    }
    chunkFloats = options.chunkFloats;
  }
  if (registered) return;
  if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
  });
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
    });
  }
  registered = true;
}

interface Geometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

function geometry(
  owner: string,
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  pad: Pad,
  dataFormat: 'NHWC' | 'NCHW' | undefined,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
): Geometry {
  if (dataFormat === 'NCHW') throw new Error(`${owner} on wasm supports dataFormat 'NHWC' only; got 'NCHW'.`);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

function matMul(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (!kernel)
    throw new Error(
      `The wasm backend has no BatchMatMul kernel; expected @tensorflow/tfjs-backend-wasm to register one.`,
    );
  return kernel.kernelFunc({
    inputs: { a, b },
    backend: backend as unknown as tf.KernelBackend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
}

/** Output positions per chunk so that a [rows, width] temporary stays under chunkFloats. */
function chunkRows(width: number, total: number): number {
  return Math.max(1, Math.min(total, Math.floor(chunkFloats / Math.max(1, width))));
}

/** The attributes both conv gradient kernels receive. */
interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface BackpropFilterArgs {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: WasmBackend;
  attrs: ConvAttrs & { filterShape: [number, number, number, number] };
}

function conv2dBackpropFilter({ inputs, backend, attrs }: BackpropFilterArgs): tf.TensorInfo {
  const { x, dy } = inputs;
  const g = geometry(
    'Conv2DBackpropFilter',
    x.shape,
    attrs.filterShape,
    attrs.strides,
    attrs.pad,
    attrs.dataFormat,
    attrs.dimRoundingMode,
  );
  const K = g.fh * g.fw * g.inC;
  const M = g.batch * g.outH * g.outW;
  const rows = chunkRows(K + g.outC, M);
  const out = backend.makeOutput([g.fh, g.fw, g.inC, g.outC], 'float32');
  backend.typedArrayFromHeap(out).fill(0);
  for (let m0 = 0; m0 < M; m0 += rows) {
    const mc = Math.min(rows, M - m0);
    const colsT = backend.makeOutput([K, mc], 'float32');
    const dyChunk = backend.makeOutput([mc, g.outC], 'float32');
    // Views are taken after the allocations: growing the wasm heap detaches earlier views.
    backend.typedArrayFromHeap(dyChunk).set(backend.typedArrayFromHeap(dy).subarray(m0 * g.outC, (m0 + mc) * g.outC));
    im2colTransposed(backend.typedArrayFromHeap(x), g, m0, mc, backend.typedArrayFromHeap(colsT));
    // [K, mc] x [mc, outC]: the product's "weights" operand is the small one, which XNNPACK packs fastest.
    const part = matMul(backend, colsT, dyChunk);
    const pv = backend.typedArrayFromHeap(part);
    const ov = backend.typedArrayFromHeap(out);
    for (let i = 0; i < ov.length; i++) ov[i] += pv[i];
    backend.disposeData(part.dataId);
    backend.disposeData(dyChunk.dataId);
    backend.disposeData(colsT.dataId);
  }
  return out;
}

/** Output positions gathered per block before being written out transposed (keeps writes contiguous). */
const BLOCK = 32;

/** Rows m0..m0+rows of the im2col matrix of x, written transposed: colsT[k, r] = cols[m0 + r, k]. */
function im2colTransposed(x: Float32Array, g: Geometry, m0: number, rows: number, colsT: Float32Array): void {
  const K = g.fh * g.fw * g.inC;
  const block = new Float32Array(BLOCK * K);
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const n = Math.min(BLOCK, rows - r0);
    im2col(x, g, m0 + r0, n, block);
    for (let k = 0; k < K; k++) {
      const d = k * rows + r0;
      for (let j = 0; j < n; j++) colsT[d + j] = block[j * K + k];
    }
  }
}

/** dst[c, r] = src[m0 + r, c] for r < rows: the chunk's rows of a [M, width] matrix, transposed. */
function transposeRows(src: Float32Array, m0: number, rows: number, width: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const s = (m0 + r) * width;
    for (let c = 0; c < width; c++) dst[c * rows + r] = src[s + c];
  }
}

/** Rows m0..m0+rows of the im2col matrix of x (NHWC): row m holds the (kh, kw, c) patch under output m. */
function im2col(x: Float32Array, g: Geometry, m0: number, rows: number, cols: Float32Array): void {
  const C = g.inC;
  const K = g.fh * g.fw * C;
  const span = g.fw * C; // one filter row: fw neighbouring pixels, contiguous in x when inside the image
  const perImage = g.outH * g.outW;
  const rowStride = g.inW * C;
  const imageStride = g.inH * rowStride;
  for (let r = 0; r < rows; r++) {
    const m = m0 + r;
    const b = Math.floor(m / perImage);
    const rest = m - b * perImage;
    const oh = Math.floor(rest / g.outW);
    const ow = rest - oh * g.outW;
    const iw0 = ow * g.sw - g.padLeft;
    const inside = iw0 >= 0 && iw0 + g.fw <= g.inW;
    let d = r * K;
    for (let kh = 0; kh < g.fh; kh++, d += span) {
      const ih = oh * g.sh - g.padTop + kh;
      if (ih < 0 || ih >= g.inH) {
        for (let j = 0; j < span; j++) cols[d + j] = 0;
        continue;
      }
      const s = b * imageStride + ih * rowStride + iw0 * C;
      if (inside) {
        for (let j = 0; j < span; j++) cols[d + j] = x[s + j];
        continue;
      }
      for (let kw = 0; kw < g.fw; kw++) {
        const iw = iw0 + kw;
        const ok = iw >= 0 && iw < g.inW;
        for (let c = 0; c < C; c++) cols[d + kw * C + c] = ok ? x[s + kw * C + c] : 0;
      }
    }
  }
}

interface BackpropInputArgs {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  backend: WasmBackend;
  attrs: ConvAttrs & { inputShape: [number, number, number, number] };
}

function conv2dBackpropInput({ inputs, backend, attrs }: BackpropInputArgs): tf.TensorInfo {
  const { dy, filter } = inputs;
  const g = geometry(
    'Conv2DBackpropInput',
    attrs.inputShape,
    filter.shape,
    attrs.strides,
    attrs.pad,
    attrs.dataFormat,
    attrs.dimRoundingMode,
  );
  const K = g.fh * g.fw * g.inC;
  const M = g.batch * g.outH * g.outW;
  // W^T: [outC, K], so that cols = dy W^T is a plain product.
  const wT = backend.makeOutput([g.outC, K], 'float32');
  transposeRows(backend.typedArrayFromHeap(filter), 0, K, g.outC, backend.typedArrayFromHeap(wT));
  const out = backend.makeOutput([g.batch, g.inH, g.inW, g.inC], 'float32');
  backend.typedArrayFromHeap(out).fill(0);
  const rows = chunkRows(K + g.outC, M);
  for (let m0 = 0; m0 < M; m0 += rows) {
    const mc = Math.min(rows, M - m0);
    const dyChunk = backend.makeOutput([mc, g.outC], 'float32');
    backend.typedArrayFromHeap(dyChunk).set(backend.typedArrayFromHeap(dy).subarray(m0 * g.outC, (m0 + mc) * g.outC));
    const cols = matMul(backend, dyChunk, wT);
    col2imAdd(backend.typedArrayFromHeap(cols), g, m0, mc, backend.typedArrayFromHeap(out));
    backend.disposeData(cols.dataId);
    backend.disposeData(dyChunk.dataId);
  }
  backend.disposeData(wT.dataId);
  return out;
}

/** Adds rows m0..m0+rows of a [M, K] patch matrix back into the NHWC image positions they cover. */
function col2imAdd(cols: Float32Array, g: Geometry, m0: number, rows: number, dx: Float32Array): void {
  const K = g.fh * g.fw * g.inC;
  const perImage = g.outH * g.outW;
  const rowStride = g.inW * g.inC;
  const imageStride = g.inH * rowStride;
  const C = g.inC;
  for (let r = 0; r < rows; r++) {
    const m = m0 + r;
    const b = Math.floor(m / perImage);
    const rest = m - b * perImage;
    const oh = Math.floor(rest / g.outW);
    const ow = rest - oh * g.outW;
    const base = r * K;
    let k = 0;
    for (let kh = 0; kh < g.fh; kh++) {
      const ih = oh * g.sh - g.padTop + kh;
      if (ih < 0 || ih >= g.inH) {
        k += g.fw * C;
        continue;
      }
      for (let kw = 0; kw < g.fw; kw++, k += C) {
        const iw = ow * g.sw - g.padLeft + kw;
        if (iw < 0 || iw >= g.inW) continue;
        const d = b * imageStride + ih * rowStride + iw * C;
        const s = base + k;
        for (let c = 0; c < C; c++) dx[d + c] += cols[s + c];
      }
    }
  }
}
