/**
 * Whether a hardware GPU could be reached through WebGPU here, decided from files alone, before Dawn
 * is loaded: loading Dawn on a machine without a usable driver prints native warnings (no Vulkan
 * loader, a software driver's reduced limits) that `backend: 'auto'` should never cause. Linux
 * needs the Vulkan loader, an installed driver manifest (ICD) that is not a software one, and a GPU
 * device node; macOS has Metal and Windows Direct3D 12 wherever Node runs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Software Vulkan drivers (by manifest or library name): lavapipe, SwiftShader. */
const SOFTWARE_ICD = /lvp|lavapipe|llvmpipe|swiftshader/i;

/** What the check reads; tests pass their own. */
export interface PresenceEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** File names in a folder ([] when it is absent). */
  list(dir: string): Promise<string[]>;
  /** A file's text, or null. */
  read(path: string): Promise<string | null>;
}

export const nodePresence: PresenceEnvironment = {
  platform: process.platform,
  env: process.env,
  list: (dir) => readdir(dir).catch(() => []),
  read: (path) => readFile(path, 'utf8').catch(() => null),
};

/** Null when a hardware GPU could be there, else why not (one clause, for the backend's skipped list). */
export async function hardwareGpuProblem(e: PresenceEnvironment = nodePresence): Promise<string | null> {
  if (e.platform === 'darwin' || e.platform === 'win32') return null;
  if (e.platform !== 'linux') return `WebGPU's native bindings have no driver route on ${e.platform}`;
  if (!(await hasVulkanLoader(e)))
    return 'no Vulkan loader (libvulkan.so.1) is installed, so WebGPU has no GPU driver to use';
  const icds = await driverManifests(e);
  const hardware = [];
  for (const path of icds) if (!(await isSoftwareIcd(e, path))) hardware.push(path);
  if (hardware.length === 0) {
    const found = icds.length
      ? `only ${icds.map((p) => basename(p)).join(', ')}, a software one`
      : 'no driver manifest in vulkan/icd.d';
    return `no hardware Vulkan driver is installed (${found})`;
  }
  if (!(await hasGpuDevice(e)))
    return 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg) is visible to this process';
  return null;
}

async function hasVulkanLoader(e: PresenceEnvironment): Promise<boolean> {
  const dirs = [
    ...(e.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/lib/x86_64-linux-gnu',
    '/lib64',
    '/lib',
    '/usr/local/lib',
  ];
  for (const dir of dirs) if ((await e.list(dir)).includes('libvulkan.so.1')) return true;
  return false;
}

/**
 * The driver manifests the Vulkan loader would read: those VK_DRIVER_FILES / VK_ICD_FILENAMES name, else the
 * icd.d folders.
 */
async function driverManifests(e: PresenceEnvironment): Promise<string[]> {
  const named = e.env.VK_DRIVER_FILES ?? e.env.VK_ICD_FILENAMES;
  if (named) return named.split(':').filter(Boolean);
  const home = e.env.HOME ? join(e.env.HOME, '.local/share') : undefined;
  const data = [
    e.env.XDG_DATA_HOME ?? home,
    ...(e.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':'),
  ].filter((d): d is string => Boolean(d));
  const dirs = ['/etc/vulkan/icd.d', ...data.map((d) => join(d, 'vulkan/icd.d'))];
  const out: string[] = [];
  for (const dir of dirs) for (const name of await e.list(dir)) if (name.endsWith('.json')) out.push(join(dir, name));
  return out;
}

async function isSoftwareIcd(e: PresenceEnvironment, path: string): Promise<boolean> {
  if (SOFTWARE_ICD.test(basename(path))) return true;
  try {
    const lib =
      (JSON.parse((await e.read(path)) ?? '{}') as { ICD?: { library_path?: string } }).ICD?.library_path ?? '';
    return SOFTWARE_ICD.test(lib);
  } catch {
    return false;
  }
}

async function hasGpuDevice(e: PresenceEnvironment): Promise<boolean> {
  if ((await e.list('/dev/dri')).some((n) => n.startsWith('renderD'))) return true;
  const dev = await e.list('/dev');
  return dev.some((n) => /^nvidia\d+$/.test(n) || n === 'dxg');
}
