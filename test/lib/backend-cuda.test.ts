/** The tfjs-node-gpu preflight on injected library lists: no GPU, CUDA or tfjs-node-gpu needed. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUDA_LIBRARIES, cudaProblem, libraryNames, scanLibraries } from '../../lib/backend-cuda.ts';
import type { LibraryScan } from '../../lib/backend-cuda.ts';
import { tempDir } from '../helpers/tmp.ts';

/** `ldconfig -p` as it prints, for these file names. */
function ldconfig(files: string[]): string {
  return `${files.length} libs found in cache \`/etc/ld.so.cache'\n${files.map((f) => `\t${f} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/${f}`).join('\n')}\n`;
}

const ALL = CUDA_LIBRARIES.map((l) => l.file);
const BASE = ['libc.so.6', 'libm.so.6', 'libstdc++.so.6'];
const scan = (cache: string[], ldLibraryPath: LibraryScan['ldLibraryPath'] = []): LibraryScan => ({
  ldconfig: ldconfig(cache),
  ldLibraryPath,
});

describe('cudaProblem', () => {
  it('finds nothing wrong when the driver, CUDA 11 and cuDNN 8 libraries are all in the loader cache', () => {
    expect(cudaProblem(scan([...BASE, ...ALL]))).toBeNull();
  });

  it('names a missing cuDNN 8, the versions tfjs-node-gpu needs, and the WebGPU route', () => {
    const why = cudaProblem(scan([...BASE, ...ALL.filter((f) => f !== 'libcudnn.so.8')]));
    expect(why).toBe(
      "tfjs-node-gpu cannot use the GPU: libcudnn.so.8 (cuDNN 8) is not found by 'ldconfig -p' or in LD_LIBRARY_PATH; " +
        'tfjs-node-gpu 4.x needs the CUDA 11.2 and cuDNN 8.1 runtime libraries (its libtensorflow 2.9 was built against them); ' +
        "backend 'webgpu' needs neither (a Vulkan, Metal or Direct3D 12 driver)",
    );
  });

  it('says a CUDA 12 / cuDNN 9 install is the wrong major version', () => {
    const cuda12 = [
      'libcuda.so.1',
      'libcudart.so.12',
      'libcublas.so.12',
      'libcublasLt.so.12',
      'libcufft.so.11',
      'libcurand.so.10',
      'libcusolver.so.11',
      'libcusparse.so.12',
      'libcudnn.so.9',
    ];
    const why = cudaProblem(scan([...BASE, ...cuda12]))!;
    expect(why).toMatch(
      /^tfjs-node-gpu cannot use the GPU: libcudart\.so\.11\.0 \(the CUDA 11 runtime\), libcublas\.so\.11 \(cuBLAS of CUDA 11\), libcublasLt\.so\.11 .* and libcudnn\.so\.8 \(cuDNN 8\) are not found/,
    );
    expect(why).not.toMatch(/libcuda\.so\.1 \(/);
    expect(why).toContain('and cannot use the libcudart.so.12 and libcudnn.so.9 found here');
  });

  it('names the NVIDIA driver when libcuda.so.1 is missing', () => {
    expect(cudaProblem(scan([...BASE, ...ALL.filter((f) => f !== 'libcuda.so.1')]))).toMatch(
      /: libcuda\.so\.1 \(the NVIDIA driver\) is not found/,
    );
  });

  it('counts libraries in LD_LIBRARY_PATH folders, as the dynamic loader does', () => {
    const cudnn = ['libcudnn.so.8', 'libcudnn.so.8.1.1', 'libcudnn_ops_infer.so.8'];
    expect(
      cudaProblem(
        scan([...BASE, ...ALL.filter((f) => f !== 'libcudnn.so.8')], [{ dir: '/opt/cudnn/lib', files: cudnn }]),
      ),
    ).toBeNull();
  });

  it('leaves the decision to the check after import when ldconfig could not run', () => {
    expect(cudaProblem({ ldconfig: null, ldLibraryPath: [] })).toBeNull();
  });

  it("reads library names from ldconfig's lines only", () => {
    expect([...libraryNames(scan(['libcudnn.so.8']))]).toEqual(['libcudnn.so.8']);
  });
});

describe('scanLibraries', () => {
  it('lists the files of each LD_LIBRARY_PATH folder, and skips folders that do not exist', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'lib'));
    await writeFile(join(dir, 'lib', 'libcudnn.so.8'), '');
    const s = await scanLibraries({ LD_LIBRARY_PATH: `${join(dir, 'lib')}::${join(dir, 'absent')}` });
    expect(s.ldLibraryPath).toEqual([
      { dir: join(dir, 'lib'), files: ['libcudnn.so.8'] },
      { dir: join(dir, 'absent'), files: [] },
    ]);
    // This machine's own loader cache, as the preflight reads it.
    if (s.ldconfig !== null) expect(libraryNames(s).has('libc.so.6')).toBe(true);
  });
});
