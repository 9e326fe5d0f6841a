/**
 * Every model test runs on the wasm backend (what CI has), initialised once per file.
 * COLLAPSE_LAB_TEST_BACKEND=webgpu (or cpu) runs them on another backend, e.g. to look for
 * synchronous device reads on WebGPU.
 */
import * as tf from '../../lib/tfjs.ts';
import { initBackend } from '../../lib/backend.ts';
import type { BackendChoice } from '../../lib/backend.ts';
import { probeWebGpu } from '../../lib/backend-webgpu.ts';

export async function useTestBackend(): Promise<void> {
  await initBackend((process.env.COLLAPSE_LAB_TEST_BACKEND as BackendChoice | undefined) ?? 'wasm');
}

/**
 * Whether the WebGPU tests can run here (any adapter, software ones included), and if not the one
 * sentence they skip with. COLLAPSE_LAB_REQUIRE_WEBGPU=1 (set by .ci/run once .ci/vulkan.sh has
 * installed a driver) turns the skip into a failure, so CI cannot pass without running them.
 */
export async function webgpuForTests(): Promise<{ ok: true } | { ok: false; skip: string }> {
  const probe = await probeWebGpu();
  if (probe.ok) return { ok: true };
  const skip = `WebGPU tests skipped: ${probe.why}.`;
  if (process.env.COLLAPSE_LAB_REQUIRE_WEBGPU === '1')
    throw new Error(`COLLAPSE_LAB_REQUIRE_WEBGPU is set, but ${skip}`);
  console.warn(skip);
  return { ok: false, skip };
}

/**
 * What `run` returns, and every synchronous device read while it ran (the stack of each). Every read
 * goes through the backend's read() or readSync(), so this counts them wherever they come from (our
 * code, tfjs-layers, tf.io), as a GPU would feel them.
 */
export async function syncReadsDuring<T>(run: () => Promise<T>): Promise<{ value: T; syncReads: string[] }> {
  const backend = tf.backend() as unknown as { readSync(dataId: object): unknown };
  const readSync = backend.readSync;
  const syncReads: string[] = [];
  backend.readSync = function (this: unknown, dataId: object) {
    syncReads.push(new Error().stack?.split('\n').slice(2, 8).join('\n') ?? '');
    return readSync.call(this, dataId);
  };
  try {
    return { value: await run(), syncReads };
  } finally {
    backend.readSync = readSync;
  }
}
