/**
 * WebGPU in Node: `@tensorflow/tfjs-backend-webgpu` on Dawn's Node bindings (npm `webgpu`), which
 * drive Vulkan on Linux, Metal on macOS and D3D12 on Windows: a GPU route without CUDA. Used only
 * through lib/backend.ts.
 *
 * Dawn's bindings give a `GPU` object; tfjs-backend-webgpu looks for it at `navigator.gpu` when it
 * is imported, and for the WebGPU constants (GPUBufferUsage, ...) as globals.
 */
import * as tf from './tfjs.ts';
import { installCommand, isNotInstalled } from './optional-package.ts';

/** The adapter WebGPU runs on, as Dawn describes it (GPUAdapterInfo). */
export interface GpuAdapter {
  /** e.g. 'nvidia', 'amd', 'intel', 'apple', 'mesa'. */
  vendor: string;
  /** e.g. 'ampere', 'rdna-3', 'gen-12lp', 'software'. */
  architecture: string;
  /** The device's own name where the driver gives one. */
  device: string;
  /** The driver's description, e.g. 'NVIDIA GeForce RTX 3090' or 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)'. */
  description: string;
  /** True for a CPU implementation of the GPU API (lavapipe/llvmpipe, SwiftShader, WARP): correct, but slower than wasm. */
  software: boolean;
}

export type WebGpuProbe = { ok: true; adapter: GpuAdapter } | { ok: false; why: string };

/** What to install when there is no adapter: a driver for the machine's GPU, or the software one the tests use. */
const VULKAN_HINT =
  process.platform === 'linux'
    ? "install a Vulkan driver: the GPU vendor's, or for a software adapter libvulkan1 and Mesa >= 24's lavapipe (Debian: 'apt-get install libvulkan1 mesa-vulkan-drivers', from bookworm-backports on Debian 12)"
    : 'WebGPU needs Metal (macOS) or Direct3D 12 (Windows) and a GPU driver';

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|\bsoftware\b|microsoft basic render|\bwarp\b/i;

/**
 * Whether an adapter is a software one. WebGPU says so in `isFallbackAdapter` (on the adapter
 * before 2024, on its info since), but drivers do not always report it: the names are checked too.
 */
export function isSoftwareAdapter(info: Partial<Omit<GpuAdapter, 'software'>>, isFallbackAdapter?: boolean): boolean {
  if (isFallbackAdapter) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((s) => typeof s === 'string' && SOFTWARE.test(s));
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpu: GPU | null = null;
let probed: WebGpuProbe | null = null;

/**
 * Loads Dawn and asks it for the adapter tfjs-backend-webgpu will use (high-performance). Never
 * throws: a missing package, a binary that does not load, or no adapter comes back as `why`.
 * Cached: the first answer holds for the process.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  if (probed) return probed;
  return (probed = await probe());
}

async function probe(): Promise<WebGpuProbe> {
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (err) {
    return { ok: false, why: notLoaded('webgpu', err) };
  }
  let adapter: GPUAdapter | null;
  try {
    gpu = gpu ?? dawn.create([]);
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, why: `Dawn (npm webgpu) found no WebGPU adapter (${firstLine(err)}): ${VULKAN_HINT}` };
  }
  if (!adapter) return { ok: false, why: `Dawn (npm webgpu) found no WebGPU adapter: ${VULKAN_HINT}` };
  const info = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const fallback = info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const described = { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
  exposeGlobals(dawn.globals);
  return { ok: true, adapter: { ...described, software: isSoftwareAdapter(described, fallback) } };
}

/**
 * Switches tfjs to WebGPU on the probed adapter. Call after a successful probeWebGpu().
 * Throws with the reason when the tfjs backend package is missing or the device cannot start.
 */
export async function startWebGpu(): Promise<void> {
  if (!gpu) throw new Error('probeWebGpu() must find an adapter before startWebGpu()');
  attachToNavigator(gpu);
  if (!tf.findBackendFactory('webgpu')) {
    try {
      // Registers the 'webgpu' backend, on import, only when navigator.gpu exists.
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (err) {
      throw new Error(notLoaded('@tensorflow/tfjs-backend-webgpu', err));
    }
  }
  if (!tf.findBackendFactory('webgpu')) {
    throw new Error('@tensorflow/tfjs-backend-webgpu registered no backend in this copy of @tensorflow/tfjs-core: install it at exactly the version of @tensorflow/tfjs');
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend(webgpu) returned false (the device could not be created)');
  await tf.ready();
}

/** `navigator.gpu`: Node 21+ has a global navigator, which is kept; Node 20 has none, so one is made. */
function attachToNavigator(g: GPU): void {
  const host = globalThis as { navigator?: object };
  if (host.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  if ((host.navigator as { gpu?: GPU }).gpu !== g) {
    Object.defineProperty(host.navigator, 'gpu', { value: g, configurable: true, writable: true });
  }
}

/** GPUBufferUsage, GPUMapMode, ...: the constants the tfjs backend reads as globals. Existing ones are kept. */
function exposeGlobals(globals: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
}

function notLoaded(pkg: string, err: unknown): string {
  // The backend needs both packages; they are installed together.
  if (isNotInstalled(err)) return `${pkg} is not installed (an optional package: '${installCommand('webgpu', '@tensorflow/tfjs-backend-webgpu')}')`;
  return `${pkg} failed to load: ${firstLine(err)}`;
}

/** The first line of an error's message (native loaders put a stack of paths after it). */
export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
