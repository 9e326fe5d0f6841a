/**
 * The multi-threaded build of tfjs-backend-wasm 4.22 in Node. The package ships it (wasm-out/) but
 * starts it only in browsers: in Node it says threads are unsupported, and its start-up hands
 * Emscripten blob: URLs for the worker and main scripts, which Node's worker_threads cannot load.
 * Here the same build is started with both scripts as files (the worker script, which the package
 * ships as a string, is written once to the temporary folder), the thread pool is allowed as many
 * threads as asked (Emscripten caps it at half the logical cores, one on a 2-core machine), and the
 * pool's workers are unref'd so that they do not keep the process alive.
 *
 * Threads split each XNNPACK matrix multiply by rows of the output; every output element is still
 * the same sum in the same order, so losses match the single-threaded build to the last digit.
 */
import * as tf from './tfjs.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './run/atomic.ts';

const BUILD = 'tfjs-backend-wasm-threaded-simd';

/** The parts of the Emscripten module used here. */
interface ThreadedModule {
  cwrap(name: string, returns: string | null, args: string[]): unknown;
  tfjs?: Record<string, unknown>;
  PThread: { runningWorkers: NodeWorker[]; unusedWorkers: NodeWorker[]; terminateAllThreads(): void };
}

interface NodeWorker {
  unref(): void;
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;

let packageFactory: BackendFactory | null = null;
let running: ThreadedModule | null = null;

/**
 * Makes 'wasm' the threaded build with `threads` threads (threads > 1) or the package's own
 * single-threaded build again (threads = 1), then switches to it. Tensors made on the wasm backend
 * before a switch are lost with it, so call this before creating any.
 */
export async function useWasmThreads(threads: number): Promise<number> {
  // Imported here, not at the top: importing the package registers the wasm backend, which a library
  // user who only reads runs back (no backend started) must not get as an uninitialised default.
  const { BackendWasm, getThreadsCount, setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  packageFactory ??= tf.findBackendFactory('wasm') as BackendFactory | null;
  if (!packageFactory) throw new Error('@tensorflow/tfjs-backend-wasm registered no wasm backend');
  const module = threads > 1 ? await startThreadedModule(threads) : null;
  tf.removeBackend('wasm');
  running?.PThread.terminateAllThreads();
  running = module;
  if (module) {
    setThreadsCount(threads);
    tf.registerBackend('wasm', () => new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]), 2);
  } else {
    tf.registerBackend('wasm', packageFactory, 2);
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend(wasm) returned false');
  await tf.ready();
  if (!module) return 1;
  // Workers are referenced again while a thread starts; the pool's threads have all started by now.
  for (const w of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) w.unref();
  const actual = getThreadsCount();
  if (actual !== threads) throw new Error(`the threaded build started ${actual} threads instead of ${threads}`);
  return actual;
}

async function startThreadedModule(threads: number): Promise<ThreadedModule> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const factory = require(join(dir, `${BUILD}.js`)) as Factory;
  const { wasmWorkerContents } = require(join(dir, `${BUILD}.worker.js`)) as { wasmWorkerContents: string };
  // The package turns '\n' into a real newline when it makes its blob; a file needs the same text.
  const workerText = wasmWorkerContents.replace(/\n/g, '\\n');
  const digest = createHash('sha256').update(workerText).digest('hex').slice(0, 12);
  const workerFile = join(tmpdir(), `collapse-lab-${BUILD}-${digest}.worker.cjs`);
  if (!existsSync(workerFile)) await writeFileAtomic(workerFile, workerText, { syncFolder: false });
  let failed: (err: unknown) => void = () => {};
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const started = factory({
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? workerFile : prefix + path),
    mainScriptUrlOrBlob: join(dir, `${BUILD}.js`),
    instantiateWasm(info: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      // The pool's size is capped at half of what this reports: report enough for `threads`.
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(readFileSync(join(dir, `${BUILD}.wasm`)), info as WebAssembly.Imports).then((r) => receive(r.instance, r.module), failed);
      return {};
    },
  });
  const module = await Promise.race([started, failure]);
  // What the package's own start-up adds to the module (backend_wasm.js, init()).
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}
