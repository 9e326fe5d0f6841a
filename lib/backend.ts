/**
 * Picks and initialises the tfjs backend. The library code is the same on every backend; whatever
 * is backend-specific (a kernel workaround, a device check, a preflight) lives here or in a
 * lib/backend-*.ts file registered from here, and applies only to the backend it is for.
 */
import * as tf from './tfjs.ts';
import { createRequire } from 'node:module';
import { CUDA_REQUIREMENT, cudaProblem, scanLibraries } from './backend-cuda.ts';
import { registerWasmFusedAdam } from './backend-wasm-adam.ts';
import { registerWasmBceKernels } from './backend-wasm-bce.ts';
import { registerWasmSharedCopies } from './backend-wasm-copies.ts';
import { registerWasmConvKernels } from './backend-wasm-kernels.ts';
import { registerWasmSimdFusedMatMul } from './backend-wasm-gemm.ts';
import { registerWasmTransposedMatMul } from './backend-wasm-matmul.ts';
import { registerWasmColumnSum } from './backend-wasm-sum.ts';
import { useWasmThreads } from './backend-wasm-threads.ts';
import { firstLine, probeWebGpu, startWebGpu } from './backend-webgpu.ts';
import { checkInteger } from './options.ts';
import { isInstalled } from './optional-package.ts';
import { hardwareGpuProblem } from './gpu-presence.ts';
import type { GpuAdapter, WebGpuProbe } from './backend-webgpu.ts';

export type { GpuAdapter } from './backend-webgpu.ts';

// The choices live in a module without tfjs, so that a CLI's --help can list them.
import { BACKEND_CHOICES, BACKEND_ROUTES } from './backend-choices.ts';
import type { BackendChoice, BackendRoute } from './backend-choices.ts';
export { BACKEND_CHOICES } from './backend-choices.ts';
export type { BackendChoice } from './backend-choices.ts';

export { BACKEND_ROUTES } from './backend-choices.ts';
export type { BackendRoute } from './backend-choices.ts';

/** The backend that initBackend started, with the reason each one before it was skipped. */
export interface BackendInfo {
  /** tfjs backend name actually in use: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  /** The package that provides it and its version. */
  package: string;
  version: string;
  /** True when it computes on a GPU: tfjs-node-gpu with a CUDA device, or WebGPU on a hardware adapter. */
  gpu: boolean;
  /** The WebGPU adapter (webgpu only). */
  adapter?: GpuAdapter;
  /** Threads of the wasm backend's multi-threaded build (wasm only, and only when more than 1). */
  threads?: number;
  /** Why each backend tried before this one was skipped. */
  skipped: { backend: string; why: string }[];
}

/** What run.json records of the backend (the skipped routes with their reasons: the banner names them only). */
export type BackendRecord = Pick<BackendInfo, 'name' | 'package' | 'version'> &
  Partial<Pick<BackendInfo, 'gpu' | 'adapter' | 'threads' | 'skipped'>>;

export function backendRecord(info: BackendInfo): BackendRecord {
  return {
    name: info.name,
    package: info.package,
    version: info.version,
    gpu: info.gpu,
    ...(info.adapter ? { adapter: info.adapter } : {}),
    ...(info.threads ? { threads: info.threads } : {}),
    ...(info.skipped.length ? { skipped: info.skipped } : {}),
  };
}

/** "'NVIDIA GeForce RTX 3090' (nvidia ampere)", "'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)' (mesa software)" */
export function adapterLabel(a: GpuAdapter): string {
  const kind = [a.vendor, a.architecture].filter(Boolean).join(' ');
  return `'${a.description || a.device || 'unnamed adapter'}'${kind ? ` (${kind})` : ''}`;
}

/** One line for banners and reports: 'webgpu (@tensorflow/tfjs-backend-webgpu 4.22.0, adapter ...)'. */
export function describeBackend(info: BackendRecord): string {
  const extra = info.adapter
    ? `, adapter ${adapterLabel(info.adapter)}${info.adapter.software ? ', a software driver' : ''}`
    : info.gpu
      ? ', GPU'
      : '';
  return `${info.name} (${info.package} ${info.version}${extra})`;
}

/**
 * The console banner, one line: the backend and the routes skipped before it (`verbose`: with why each was
 * skipped).
 */
export function backendBanner(info: BackendInfo, verbose = false): string {
  const slow = info.adapter?.software
    ? '; a software adapter runs the GPU code on the CPU, slower than wasm: for checking, not for speed'
    : '';
  if (info.skipped.length === 0) return `Backend: ${describeBackend(info)}${slow}`;
  if (verbose)
    return `Backend: ${describeBackend(info)}${slow}; skipped: ${info.skipped.map((s) => `${s.backend}: ${s.why}`).join('; ')}`;
  return `Backend: ${describeBackend(info)}${slow}; skipped ${info.skipped.map((s) => s.backend).join(', ')} (why: run.json, backend.skipped)`;
}

const TFJS_VERSION = tf.version_core;
const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const CPU_PACKAGE = '@tensorflow/tfjs-node';
const INSTALL_HINT =
  `install one of them at the version of @tensorflow/tfjs-core (${TFJS_VERSION}): ` +
  `'npm install ${GPU_PACKAGE}@${TFJS_VERSION}' (CUDA 11.2 + cuDNN 8.1) or 'npm install ${CPU_PACKAGE}@${TFJS_VERSION}'`;

let active: BackendInfo | null = null;

/** The backend chosen by the last initBackend call, or null before one. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/** Options of initBackend beyond the choice: whether to register the backend's kernel workarounds. */
export interface BackendOptions {
  /**
   * Apply this library's kernel workarounds for the chosen backend (see applyWasmWorkarounds). Defaults to true;
   * false is for measuring them.
   */
  workarounds?: boolean;
  /**
   * Threads of the wasm backend: above 1 it runs the package's multi-threaded build
   * (lib/backend-wasm-threads.ts), with the same numbers as one thread. Only matrix multiplies use
   * the threads, so it pays on machines with idle cores. Another count than the running one restarts
   * the wasm backend, and tensors held on it are lost: give it to the first initBackend call. Defaults to 1.
   */
  wasmThreads?: number;
}

/**
 * Initialises the backend. `auto` tries tfjs-node-gpu (only when TensorFlow really found a GPU),
 * WebGPU on a hardware adapter, tfjs-node, wasm, then cpu, and records why each earlier one was
 * skipped. A named backend is that backend or an error saying why not: in particular no CPU in
 * place of a GPU that was asked for. Calling again with the same choice is cheap.
 */
export async function initBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<BackendInfo> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new Error(`Backend '${String(choice)}' is not known; expected one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  if (options.wasmThreads !== undefined) checkInteger('wasmThreads', options.wasmThreads, 1);
  const sameThreads =
    options.wasmThreads === undefined || active?.name !== 'wasm' || (active.threads ?? 1) === options.wasmThreads;
  if (active && (choice === 'auto' || choice === active.name) && sameThreads) return active;
  return (active = await withoutProcessHandlers(() => selectBackend(choice, options, nodeEnvironment)));
}

/** The outcome of one route for gpuCheck-like surveys: usable (with its info) or why not. */
export type RouteStatus =
  | { route: BackendRoute; usable: true; info: BackendInfo }
  | { route: BackendRoute; usable: false; why: string; adapter?: GpuAdapter };

/**
 * Tries every route (software WebGPU adapters included) and says for each whether it is usable
 * here. Leaves the last usable backend active; switch with useBackend(). For `npm run gpu-check`.
 */
export async function surveyBackends(
  options: BackendOptions = {},
  env: BackendEnvironment = nodeEnvironment,
): Promise<RouteStatus[]> {
  return withoutProcessHandlers(async () => {
    const r = routes(env, options);
    const out: RouteStatus[] = [];
    for (const route of BACKEND_ROUTES) {
      try {
        out.push({ route, usable: true, info: await r[route]({ allowSoftware: true }) });
      } catch (err) {
        if (!(err instanceof Skip)) throw err;
        out.push({ route, usable: false, why: err.message, ...(err.adapter ? { adapter: err.adapter } : {}) });
      }
    }
    return out;
  });
}

/** Makes a backend that surveyBackends found usable the active one again. */
export async function useBackend(info: BackendInfo): Promise<void> {
  if (!(await tf.setBackend(info.name))) throw new Error(`Backend '${info.name}' could not be set again.`);
  await tf.ready();
  active = info;
}

/**
 * What the routes need from the machine; the real one imports packages and starts backends, tests
 * pass fakes to check the order and the messages without a GPU.
 */
export interface BackendEnvironment {
  installed(pkg: string): boolean;
  version(pkg: string): string;
  /** Why tfjs-node-gpu's CUDA libraries are not usable, or null (see lib/backend-cuda.ts). */
  cudaProblem(): Promise<string | null>;
  /**
   * Imports a native package and switches to its 'tensorflow' backend; says whether TensorFlow registered a GPU
   * device.
   */
  loadNative(pkg: string): Promise<{ gpu: boolean }>;
  /** Switches to the already loaded 'tensorflow' backend. */
  useNative(): Promise<void>;
  /**
   * Why no hardware GPU could be reached through WebGPU, from files alone (lib/gpu-presence.ts), or null; `auto`
   * asks before loading Dawn.
   */
  hardwareGpuProblem?(): Promise<string | null>;
  probeWebGpu(): Promise<WebGpuProbe>;
  startWebGpu(): Promise<void>;
  /** Starts wasm with this many threads; returns the number running. */
  startWasm(workarounds: boolean, threads: number): Promise<number>;
  startCpu(): Promise<void>;
}

/** A route that is not usable; the message is the reason, for `skipped` and for errors. */
class Skip extends Error {
  constructor(
    message: string,
    readonly adapter?: GpuAdapter,
  ) {
    super(message);
  }
}

interface RouteMode {
  /** Use a software WebGPU adapter (named backend, survey) or skip it (auto). */
  allowSoftware: boolean;
}

type Route = (mode: RouteMode) => Promise<BackendInfo>;

/** The five routes. A native package, once loaded, stays loaded (it cannot be unloaded): tfjs-node then reuses it. */
function routes(env: BackendEnvironment, options: BackendOptions): Record<BackendRoute, Route> {
  let nativeLoaded: { pkg: string; gpu: boolean } | null = null;
  const native = (pkg: string, gpu: boolean): BackendInfo => ({
    name: 'tensorflow',
    package: pkg,
    version: env.version(pkg),
    gpu,
    skipped: [],
  });
  return {
    'tfjs-node-gpu': async () => {
      if (!env.installed(GPU_PACKAGE)) throw new Skip(`${GPU_PACKAGE} is not installed`);
      const problem = await env.cudaProblem();
      if (problem) throw new Skip(problem);
      const { gpu } = await loadNative(GPU_PACKAGE);
      if (!gpu) {
        throw new Skip(
          `${GPU_PACKAGE} loaded, but TensorFlow registered no GPU device (is an NVIDIA GPU visible: ` +
            `nvidia-smi, CUDA_VISIBLE_DEVICES?); ${CUDA_REQUIREMENT}; backend 'webgpu' needs neither`,
        );
      }
      return native(GPU_PACKAGE, true);
    },
    webgpu: async (mode) => {
      // auto never loads Dawn where it could only find a software adapter: loading it prints native warnings.
      const absent = mode.allowSoftware ? null : await env.hardwareGpuProblem?.();
      if (absent) throw new Skip(absent);
      const probe = await env.probeWebGpu();
      if (!probe.ok) throw new Skip(probe.why);
      const { adapter } = probe;
      if (adapter.software && !mode.allowSoftware) {
        throw new Skip(
          `the WebGPU adapter ${adapterLabel(adapter)} is a software one, slower than wasm; ask for ` +
            `backend 'webgpu' by name to use it`,
          adapter,
        );
      }
      try {
        await env.startWebGpu();
      } catch (err) {
        throw new Skip(`WebGPU could not start on ${adapterLabel(adapter)}: ${(err as Error).message}`, adapter);
      }
      return {
        name: 'webgpu',
        package: '@tensorflow/tfjs-backend-webgpu',
        version: env.version('@tensorflow/tfjs-backend-webgpu'),
        gpu: !adapter.software,
        adapter,
        skipped: [],
      };
    },
    'tfjs-node': async () => {
      if (nativeLoaded?.gpu)
        throw new Skip(`not tried: ${nativeLoaded.pkg} is loaded in this process, and both cannot be`);
      if (nativeLoaded) {
        // tfjs-node-gpu without a GPU runs TensorFlow on the CPU, as tfjs-node would; both cannot be loaded.
        await env.useNative();
        return native(nativeLoaded.pkg, false);
      }
      if (!env.installed(CPU_PACKAGE)) throw new Skip(`${CPU_PACKAGE} is not installed`);
      await loadNative(CPU_PACKAGE);
      return native(CPU_PACKAGE, false);
    },
    wasm: async () => {
      const wanted = options.wasmThreads ?? 1;
      let threads: number;
      try {
        threads = await env.startWasm(options.workarounds ?? true, wanted);
      } catch (err) {
        const build = wanted > 1 ? ` with ${wanted} threads (wasmThreads)` : '';
        throw new Skip(`@tensorflow/tfjs-backend-wasm could not start${build}: ${(err as Error).message}`);
      }
      return {
        name: 'wasm',
        package: '@tensorflow/tfjs-backend-wasm',
        version: env.version('@tensorflow/tfjs-backend-wasm'),
        gpu: false,
        ...(threads > 1 ? { threads } : {}),
        skipped: [],
      };
    },
    cpu: async () => {
      await env.startCpu();
      return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', version: TFJS_VERSION, gpu: false, skipped: [] };
    },
  };

  async function loadNative(pkg: string): Promise<{ gpu: boolean }> {
    try {
      const loaded = await env.loadNative(pkg);
      nativeLoaded = { pkg, gpu: loaded.gpu };
      return loaded;
    } catch (err) {
      throw new Skip(`${pkg} failed to load: ${firstLine(err)}`);
    }
  }
}

/** The choice's routes, in order. */
const ORDER: Record<BackendChoice, readonly BackendRoute[]> = {
  auto: BACKEND_ROUTES,
  tensorflow: ['tfjs-node-gpu', 'tfjs-node'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

/** initBackend without the cache: exported for tests, which pass a fake environment. */
export async function selectBackend(
  choice: BackendChoice,
  options: BackendOptions,
  env: BackendEnvironment,
): Promise<BackendInfo> {
  const r = routes(env, options);
  const skipped: BackendInfo['skipped'] = [];
  for (const route of ORDER[choice]) {
    try {
      const info = await r[route]({ allowSoftware: choice === 'webgpu' });
      return { ...info, skipped };
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      // tensorflow: an installed tfjs-node-gpu that cannot use its GPU is an error, never a quiet CPU run.
      const gpuAskedFor = choice === 'tensorflow' && route === 'tfjs-node-gpu' && env.installed(GPU_PACKAGE);
      if (choice !== 'auto' && (gpuAskedFor || choice !== 'tensorflow')) {
        throw new Error(`Backend '${choice}' is not usable here: ${err.message}.`);
      }
      skipped.push({ backend: route, why: err.message });
    }
  }
  if (choice === 'tensorflow') {
    throw new Error(
      `Backend 'tensorflow' needs ${GPU_PACKAGE} or ${CPU_PACKAGE}, which are not usable here (${skipped.map((s) => s.why).join('; ')}): ${INSTALL_HINT}.`,
    );
  }
  throw new Error(`No backend could start (${skipped.map((s) => `${s.backend}: ${s.why}`).join('; ')}).`);
}

/**
 * tfjs-backend-wasm's Emscripten module installs `uncaughtException` and `unhandledRejection`
 * handlers on `process` that rethrow from inside its minified source: any later error of the
 * user's own script then prints ~38 KB of that source and exits with code 7. Handlers a backend
 * added while it started are removed again, so errors print their own message and exit 1.
 */
async function withoutProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  // process.listeners / removeListener are typed per event name: go through the EventEmitter type.
  const emitter: NodeJS.EventEmitter = process;
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((e) => new Set(emitter.listeners(e)));
  try {
    return await start();
  } finally {
    events.forEach((e, i) => {
      for (const l of emitter.listeners(e))
        if (!before[i].has(l)) emitter.removeListener(e, l as (...args: unknown[]) => void);
    });
  }
}

const nodeEnvironment: BackendEnvironment = {
  installed: isInstalled,
  version(pkg) {
    try {
      return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  },
  async cudaProblem() {
    return process.platform === 'linux' ? cudaProblem(await scanLibraries()) : null;
  },
  async loadNative(pkg) {
    await import(pkg);
    // A native package built against another tfjs-core registers its backend in that copy, not ours.
    if (!tf.findBackendFactory('tensorflow'))
      throw new Error(
        `it registered its backend in another copy of @tensorflow/tfjs-core: install it at exactly ${TFJS_VERSION}`,
      );
    await nodeEnvironment.useNative();
    // NodeJSKernelBackend asks TensorFlow at start-up whether it placed ops on a GPU device.
    return { gpu: pkg === GPU_PACKAGE && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true };
  },
  async useNative() {
    if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend(tensorflow) returned false');
    await tf.ready();
  },
  hardwareGpuProblem: () => hardwareGpuProblem(),
  probeWebGpu,
  startWebGpu,
  async startWasm(workarounds, threads) {
    await import('@tensorflow/tfjs-backend-wasm');
    const running = await useWasmThreads(threads);
    // A kernel the backend lacks is always added; the speed workarounds can be left out to measure them.
    registerWasmConvKernels(); // conv gradients: see lib/backend-wasm-kernels.ts
    registerWasmBceKernels(); // the Bernoulli loss of models/losses.ts as one kernel and its gradient
    if (workarounds) applyWasmWorkarounds();
    return running;
  },
  async startCpu() {
    await tf.setBackend('cpu');
    await tf.ready();
  },
};

/** The wasm backend's speed kernels, all with the same numbers as the package's own: see each file. */
function applyWasmWorkarounds(): void {
  registerWasmTransposedMatMul();
  registerWasmSimdFusedMatMul();
  registerWasmFusedAdam();
  registerWasmSharedCopies();
  registerWasmColumnSum();
}
