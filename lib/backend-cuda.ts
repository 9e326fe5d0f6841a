/**
 * Preflight of tfjs-node-gpu. Its libtensorflow 2.9 was built for CUDA 11.2 and cuDNN 8.1 and opens
 * their libraries at run time; when one is missing, TensorFlow logs "Could not load dynamic library
 * 'libcudnn.so.8'" and quietly runs on the CPU. So before importing it we look for those libraries
 * the way the dynamic loader would (its cache, `ldconfig -p`, and LD_LIBRARY_PATH), and name what
 * is missing. Used only through lib/backend.ts.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';

/** The shared libraries libtensorflow 2.9 opens for the GPU (its sonames), and what provides each. */
export const CUDA_LIBRARIES: readonly { file: string; from: string }[] = [
  { file: 'libcuda.so.1', from: 'the NVIDIA driver' },
  { file: 'libcudart.so.11.0', from: 'the CUDA 11 runtime' },
  { file: 'libcublas.so.11', from: 'cuBLAS of CUDA 11' },
  { file: 'libcublasLt.so.11', from: 'cuBLASLt of CUDA 11' },
  { file: 'libcufft.so.10', from: 'cuFFT of CUDA 11' },
  { file: 'libcurand.so.10', from: 'cuRAND of CUDA 11' },
  { file: 'libcusolver.so.11', from: 'cuSOLVER of CUDA 11' },
  { file: 'libcusparse.so.11', from: 'cuSPARSE of CUDA 11' },
  { file: 'libcudnn.so.8', from: 'cuDNN 8' },
];

export const CUDA_REQUIREMENT =
  'tfjs-node-gpu 4.x needs the CUDA 11.2 and cuDNN 8.1 runtime libraries (its libtensorflow ' +
  '2.9 was built against them)';

/**
 * Where the dynamic loader would find libraries: `ldconfig -p` output (null when it could not run) and
 * LD_LIBRARY_PATH's folders.
 */
export interface LibraryScan {
  ldconfig: string | null;
  ldLibraryPath: { dir: string; files: string[] }[];
}

/** The libraries of a scan, by file name (the names `ldconfig -p` lists and the files in LD_LIBRARY_PATH). */
export function libraryNames(scan: LibraryScan): Set<string> {
  const names = new Set<string>();
  // ldconfig -p lines: "\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8"
  for (const line of (scan.ldconfig ?? '').split('\n')) {
    const m = /^\s+(\S+)\s+\(.*\)\s+=>/.exec(line);
    if (m) names.add(m[1]);
  }
  for (const { files } of scan.ldLibraryPath) files.forEach((f) => names.add(f));
  return names;
}

/**
 * Why tfjs-node-gpu cannot use a GPU with these libraries, in one sentence, or null when every
 * library is there (or when ldconfig could not run and LD_LIBRARY_PATH has them not all: then we
 * cannot tell, and the check after import decides).
 */
export function cudaProblem(scan: LibraryScan): string | null {
  const names = libraryNames(scan);
  const missing = CUDA_LIBRARIES.filter((l) => !names.has(l.file));
  if (missing.length === 0 || scan.ldconfig === null) return null;
  // A CUDA 12 or cuDNN 9 install is the usual cause on a current machine: say it is the wrong major version.
  const newer = [...names].filter((n) => /^lib(cudart\.so\.1[2-9]|cudnn\.so\.(9|[1-9]\d))$/.test(n)).sort();
  const list = missing.map((l) => `${l.file} (${l.from})`);
  return (
    `tfjs-node-gpu cannot use the GPU: ${joinList(list)} ${missing.length === 1 ? 'is' : 'are'} not found by 'ldconfig -p' or in LD_LIBRARY_PATH; ` +
    `${CUDA_REQUIREMENT}${newer.length ? ` and cannot use the ${joinList(newer)} found here` : ''}; ` +
    `backend 'webgpu' needs neither (a Vulkan, Metal or Direct3D 12 driver)`
  );
}

/** Runs `ldconfig -p` and lists LD_LIBRARY_PATH's folders. */
export async function scanLibraries(env: NodeJS.ProcessEnv = process.env): Promise<LibraryScan> {
  let ldconfig: string | null = null;
  for (const bin of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    ldconfig = await new Promise<string | null>((resolve) =>
      execFile(bin, ['-p'], { maxBuffer: 64 << 20 }, (err, out) => resolve(err ? null : out)),
    );
    if (ldconfig !== null) break;
  }
  const ldLibraryPath: LibraryScan['ldLibraryPath'] = [];
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    ldLibraryPath.push({ dir, files: await readdir(dir).catch(() => []) });
  }
  return { ldconfig, ldLibraryPath };
}

function joinList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
