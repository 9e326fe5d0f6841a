/**
 * Picks and initialises the tfjs backend. The library code is the same on every backend; whatever
 * is backend-specific (a kernel workaround, a thread count) lives here and is applied only to the
 * backend it is for.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { registerWasmConvKernels } from './backend-wasm-kernels.ts';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** tfjs backend name actually in use: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** The package that provides it and its version. */
  package: string;
  version: string;
  /** True when tfjs-node-gpu found a GPU (CUDA). */
  gpu: boolean;
  /** Why each backend tried before this one was skipped. */
  skipped: { backend: string; why: string }[];
}

const TFJS_VERSION = tf.version.tfjs;
const INSTALL_HINT =
  `install one of them at the version of @tensorflow/tfjs (${TFJS_VERSION}): ` +
  `'npm install @tensorflow/tfjs-node-gpu@${TFJS_VERSION}' (CUDA 11.2 + cuDNN 8.1) or 'npm install @tensorflow/tfjs-node@${TFJS_VERSION}'`;

let active: BackendInfo | null = null;

/** The backend chosen by the last initBackend call, or null before one. */
export function activeBackend(): BackendInfo | null {
  return active;
}

export interface BackendOptions {
  /** Apply this library's kernel workarounds for the chosen backend (see applyWasmWorkarounds). Defaults to true; false is for measuring them. */
  workarounds?: boolean;
}

/**
 * Initialises the backend. `auto` tries tfjs-node-gpu, tfjs-node, wasm, then cpu, and records why
 * each earlier one was skipped. Calling again with the same choice is cheap.
 */
export async function initBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<BackendInfo> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new Error(`Backend '${String(choice)}' is not known; expected one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  if (active && (choice === 'auto' || choice === active.name)) return active;
  const skipped: BackendInfo['skipped'] = [];
  if (choice === 'auto' || choice === 'tensorflow') {
    const native = await tryNative(skipped);
    if (native) return (active = native);
    if (choice === 'tensorflow') {
      throw new Error(`Backend 'tensorflow' needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, which are not usable here (${skipped.map((s) => s.why).join('; ')}): ${INSTALL_HINT}.`);
    }
  }
  if (choice === 'auto' || choice === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend(wasm) returned false');
      await tf.ready();
      // A kernel the backend lacks is always added; the speed workarounds can be left out to measure them.
      registerWasmConvKernels(); // conv gradients: see lib/backend-wasm-kernels.ts
      if (options.workarounds ?? true) applyWasmWorkarounds();
      return (active = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: packageVersion('@tensorflow/tfjs-backend-wasm'), gpu: false, skipped });
    } catch (err) {
      if (choice === 'wasm') throw new Error(`Backend 'wasm' could not start: ${(err as Error).message}.`);
      skipped.push({ backend: 'wasm', why: (err as Error).message });
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return (active = { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', version: TFJS_VERSION, gpu: false, skipped });
}

async function tryNative(skipped: BackendInfo['skipped']): Promise<BackendInfo | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
    } catch (err) {
      const code = (err as { code?: string }).code;
      skipped.push({ backend: pkg, why: code === 'ERR_MODULE_NOT_FOUND' ? `${pkg} is not installed` : `${pkg} failed to load: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    // A native package built against another tfjs-core registers its backend in that copy, not ours.
    if (!tf.findBackendFactory('tensorflow')) {
      skipped.push({ backend: pkg, why: `${pkg} registered its backend in another copy of @tensorflow/tfjs-core: install it at exactly ${TFJS_VERSION}` });
      continue;
    }
    await tf.setBackend('tensorflow');
    await tf.ready();
    const gpu = pkg.endsWith('-gpu');
    return { name: 'tensorflow', package: pkg, version: packageVersion(pkg), gpu, skipped };
  }
  return null;
}

function packageVersion(pkg: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let wasmPatched = false;

/**
 * tfjs-backend-wasm 4.x computes BatchMatMul with transposeA/transposeB through a slow path (about
 * 10x the plain product, measured on 128x784x400). Backpropagation through a dense layer asks for
 * exactly those products, so on wasm we transpose the operand explicitly (a cheap copy) and run the
 * fast untransposed product. The numbers are the same products, summed in the same order per output.
 */
function applyWasmWorkarounds(): void {
  if (wasmPatched) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      const n = perm.length;
      [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
      return transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const ta = transposeA ? swapLast(a) : a;
    const tb = transposeB ? swapLast(b) : b;
    const out = original.kernelFunc({ inputs: { a: ta, b: tb }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    const disposer = backend as unknown as { disposeData(id: object): void };
    if (ta !== a) disposer.disposeData(ta.dataId);
    if (tb !== b) disposer.disposeData(tb.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  wasmPatched = true;
}
