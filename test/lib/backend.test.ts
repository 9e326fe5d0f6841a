/**
 * Backend choice without a GPU: the order of `auto`, what each named backend refuses, and the
 * messages, on a fake machine (BackendEnvironment); then the real wasm start-up leaving no
 * process handlers behind.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  backendBanner,
  backendRecord,
  describeBackend,
  initBackend,
  selectBackend,
  surveyBackends,
} from '../../lib/backend.ts';
import type { BackendEnvironment, GpuAdapter } from '../../lib/backend.ts';
import type { WebGpuProbe } from '../../lib/backend-webgpu.ts';
import { childEnv, ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const LAVAPIPE: GpuAdapter = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe',
  description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
  software: true,
};
const RTX: GpuAdapter = {
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3090',
  software: false,
};
const MISSING_CUDNN =
  "tfjs-node-gpu cannot use the GPU: libcudnn.so.8 (cuDNN 8) is not found by 'ldconfig -p' or in LD_LIBRARY_PATH; ...";

interface Machine {
  installed?: string[];
  cuda?: string | null;
  /** What TensorFlow reports after loading tfjs-node-gpu. */
  tfGpu?: boolean;
  webgpu?: WebGpuProbe;
  wasmFails?: boolean;
}

/** A fake machine; `started` lists what was started, in order. */
function machine(m: Machine): BackendEnvironment & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    installed: (pkg) => (m.installed ?? []).includes(pkg),
    version: () => '4.22.0',
    cudaProblem: async () => m.cuda ?? null,
    loadNative: async (pkg) => {
      started.push(pkg);
      return { gpu: pkg.endsWith('-gpu') && (m.tfGpu ?? false) };
    },
    useNative: async () => void started.push('tensorflow again'),
    probeWebGpu: async () => m.webgpu ?? { ok: false, why: 'webgpu is not installed' },
    startWebGpu: async () => void started.push('webgpu'),
    startWasm: async (_workarounds, threads) => {
      if (m.wasmFails) throw new Error('no WebAssembly');
      started.push('wasm');
      return threads;
    },
    startCpu: async () => void started.push('cpu'),
  };
}

describe("backend 'auto'", () => {
  it('skips a software WebGPU adapter, saying so, and takes wasm', async () => {
    const env = machine({ webgpu: { ok: true, adapter: LAVAPIPE } });
    const b = await selectBackend('auto', {}, env);
    expect(b.name).toBe('wasm');
    expect(env.started).toEqual(['wasm']);
    expect(b.skipped.map((s) => s.backend)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node']);
    expect(b.skipped[1].why).toMatch(
      /WebGPU adapter 'llvmpipe: Mesa 25.0.7 \(LLVM 15.0.6\)' \(mesa software\) is a software one, slower than wasm; ask for backend 'webgpu' by name/,
    );
    // One short line; the reasons with verbose, and in run.json.
    expect(backendBanner(b)).toBe(
      'Backend: wasm (@tensorflow/tfjs-backend-wasm 4.22.0); skipped tfjs-node-gpu, webgpu, tfjs-node (why: run.json, backend.skipped)',
    );
    expect(backendBanner(b, true)).toMatch(
      /^Backend: wasm \(@tensorflow\/tfjs-backend-wasm 4\.22\.0\); skipped: tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed; webgpu: the WebGPU adapter/,
    );
    expect(backendRecord(b).skipped).toEqual(b.skipped);
  });

  it('never loads Dawn when no hardware GPU could be there, but a named webgpu does', async () => {
    const env = { ...machine({ webgpu: { ok: true, adapter: LAVAPIPE } }), probed: 0 };
    const quiet = {
      ...env,
      hardwareGpuProblem: async () => 'no Vulkan loader (libvulkan.so.1) is installed',
      probeWebGpu: async () => (env.probed++, { ok: true as const, adapter: LAVAPIPE }),
    };
    const b = await selectBackend('auto', {}, quiet);
    expect(b.name).toBe('wasm');
    expect(env.probed).toBe(0);
    expect(b.skipped[1]).toEqual({ backend: 'webgpu', why: 'no Vulkan loader (libvulkan.so.1) is installed' });
    expect((await selectBackend('webgpu', {}, quiet)).adapter).toEqual(LAVAPIPE);
    expect(env.probed).toBe(1);
  });

  it('takes WebGPU on a hardware adapter, before tfjs-node, and records the adapter', async () => {
    const env = machine({ installed: ['@tensorflow/tfjs-node'], webgpu: { ok: true, adapter: RTX } });
    const b = await selectBackend('auto', {}, env);
    expect(b).toMatchObject({ name: 'webgpu', gpu: true, adapter: RTX });
    expect(env.started).toEqual(['webgpu']);
    expect(describeBackend(b)).toBe(
      "webgpu (@tensorflow/tfjs-backend-webgpu 4.22.0, adapter 'NVIDIA GeForce RTX 3090' (nvidia ampere))",
    );
  });

  it('takes tfjs-node-gpu only when TensorFlow found a GPU', async () => {
    const withGpu = machine({
      installed: ['@tensorflow/tfjs-node-gpu'],
      tfGpu: true,
      webgpu: { ok: true, adapter: RTX },
    });
    expect(await selectBackend('auto', {}, withGpu)).toMatchObject({
      name: 'tensorflow',
      package: '@tensorflow/tfjs-node-gpu',
      gpu: true,
      skipped: [],
    });
    expect(withGpu.started).toEqual(['@tensorflow/tfjs-node-gpu']);

    const noGpu = machine({
      installed: ['@tensorflow/tfjs-node-gpu'],
      tfGpu: false,
      webgpu: { ok: true, adapter: RTX },
    });
    const b = await selectBackend('auto', {}, noGpu);
    expect(b.name).toBe('webgpu');
    expect(b.skipped[0].why).toMatch(/tfjs-node-gpu loaded, but TensorFlow registered no GPU device/);
  });

  it('runs a loaded tfjs-node-gpu that found no GPU on the CPU, as tfjs-node, and says why', async () => {
    const env = machine({ installed: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], tfGpu: false });
    const b = await selectBackend('auto', {}, env);
    expect(b).toMatchObject({ name: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', gpu: false });
    // Never both native packages in one process.
    expect(env.started).toEqual(['@tensorflow/tfjs-node-gpu', 'tensorflow again']);
    expect(b.skipped.map((s) => s.backend)).toEqual(['tfjs-node-gpu', 'webgpu']);
  });

  it('does not import tfjs-node-gpu when its CUDA libraries are missing, and names them', async () => {
    const env = machine({ installed: ['@tensorflow/tfjs-node-gpu'], cuda: MISSING_CUDNN });
    const b = await selectBackend('auto', {}, env);
    expect(b.name).toBe('wasm');
    expect(env.started).toEqual(['wasm']);
    expect(b.skipped[0]).toEqual({ backend: 'tfjs-node-gpu', why: MISSING_CUDNN });
  });

  it('falls back to the plain JavaScript cpu backend when wasm cannot start', async () => {
    const b = await selectBackend('auto', {}, machine({ wasmFails: true }));
    expect(b.name).toBe('cpu');
    expect(b.skipped.at(-1)).toEqual({
      backend: 'wasm',
      why: '@tensorflow/tfjs-backend-wasm could not start: no WebAssembly',
    });
  });
});

describe('a backend asked for by name', () => {
  it("'webgpu' uses a software adapter (how the GPU code is tested here), not counted as a GPU", async () => {
    const b = await selectBackend('webgpu', {}, machine({ webgpu: { ok: true, adapter: LAVAPIPE } }));
    expect(b).toMatchObject({ name: 'webgpu', gpu: false, adapter: LAVAPIPE, skipped: [] });
    expect(backendBanner(b)).toMatch(
      /a software driver\); a software adapter runs the GPU code on the CPU, slower than wasm/,
    );
  });

  it("'webgpu' without an adapter is an error with the reason", async () => {
    const why = 'Dawn (npm webgpu) found no WebGPU adapter: install a Vulkan driver';
    await expect(selectBackend('webgpu', {}, machine({ webgpu: { ok: false, why } }))).rejects.toThrow(
      `Backend 'webgpu' is not usable here: ${why}.`,
    );
  });

  it("'tensorflow' with tfjs-node-gpu installed never runs on the CPU instead: missing libraries are an error", async () => {
    const env = machine({ installed: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], cuda: MISSING_CUDNN });
    await expect(selectBackend('tensorflow', {}, env)).rejects.toThrow(
      `Backend 'tensorflow' is not usable here: ${MISSING_CUDNN}.`,
    );
    expect(env.started).toEqual([]);
  });

  it("'tensorflow' with tfjs-node-gpu that finds no GPU device is an error", async () => {
    const env = machine({ installed: ['@tensorflow/tfjs-node-gpu'], tfGpu: false });
    await expect(selectBackend('tensorflow', {}, env)).rejects.toThrow(
      /TensorFlow registered no GPU device .*CUDA 11\.2 and cuDNN 8\.1.*backend 'webgpu' needs neither/,
    );
  });

  it("'tensorflow' with only tfjs-node is TensorFlow on the CPU", async () => {
    const b = await selectBackend('tensorflow', {}, machine({ installed: ['@tensorflow/tfjs-node'] }));
    expect(b).toMatchObject({ name: 'tensorflow', package: '@tensorflow/tfjs-node', gpu: false });
  });

  it("'tensorflow' with neither package says what to install", async () => {
    await expect(selectBackend('tensorflow', {}, machine({}))).rejects.toThrow(
      /needs @tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node, which are not usable here .*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/,
    );
  });

  it('an unknown name is refused, naming the choices', async () => {
    await expect(initBackend('gpu' as 'cpu')).rejects.toThrow(
      "Backend 'gpu' is not known; expected one of auto, tensorflow, webgpu, wasm, cpu.",
    );
  });
});

describe('surveyBackends', () => {
  it('reports every route, software adapters as usable, with the reasons of the others', async () => {
    const rows = await surveyBackends(
      {},
      machine({
        webgpu: { ok: true, adapter: LAVAPIPE },
        installed: ['@tensorflow/tfjs-node-gpu'],
        cuda: MISSING_CUDNN,
      }),
    );
    expect(rows.map((r) => [r.route, r.usable])).toEqual([
      ['tfjs-node-gpu', false],
      ['webgpu', true],
      ['tfjs-node', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(rows[0]).toMatchObject({ why: MISSING_CUDNN });
    expect(rows[1]).toMatchObject({ info: { adapter: LAVAPIPE } });
  });
});

/** Runs a plain ESM script that starts a backend, then fails the way a user's script would. */
async function runScript(body: string): Promise<{ code: number | null; stderr: string }> {
  const dir = await tempDir();
  const file = join(dir, 'user-script.mts');
  await writeFile(file, `import { initBackend } from ${JSON.stringify(join(ROOT, 'lib/index.ts'))};\n${body}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: childEnv() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe("a user's own error after the backend started", () => {
  // tfjs-backend-wasm's Emscripten module would print ~38 KB of its own source and exit 7.
  for (const choice of ['auto', 'wasm']) {
    it(`prints its own message and stack and exits 1 (initBackend('${choice}'), thrown)`, async () => {
      const r = await runScript(
        `const b = await initBackend('${choice}');\nconsole.error('started ' + b.name);\nthrow new Error('my own failure');`,
      );
      expect(r.stderr).toMatch(/^started (wasm|webgpu|tensorflow|cpu)$/m);
      expect(r.code, r.stderr.slice(0, 2000)).toBe(1);
      const lines = r.stderr.split('\n');
      const at = lines.findIndex((l) => l.includes('Error: my own failure'));
      expect(at).toBeGreaterThanOrEqual(0);
      expect(lines[at + 1]).toMatch(/^\s+at .*user-script\.mts/);
      expect(r.stderr.length).toBeLessThan(4000);
    });
  }

  it('an unhandled rejection too', async () => {
    const r = await runScript(`await initBackend('wasm');\nPromise.reject(new Error('my own rejection'));`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: my own rejection');
    expect(r.stderr.length).toBeLessThan(4000);
  });
});
