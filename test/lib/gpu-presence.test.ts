import { describe, expect, it } from 'vitest';
import { hardwareGpuProblem } from '../../lib/gpu-presence.ts';
import type { PresenceEnvironment } from '../../lib/gpu-presence.ts';

/** A Linux machine made of the given files (path -> text; folders are implied by their files). */
function machine(
  files: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  platform: NodeJS.Platform = 'linux',
): PresenceEnvironment {
  return {
    platform,
    env,
    list: async (dir) =>
      Object.keys(files)
        .filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/'))
        .map((p) => p.slice(dir.length + 1)),
    read: async (path) => files[path] ?? null,
  };
}

const LOADER = { '/usr/lib/x86_64-linux-gnu/libvulkan.so.1': '' };
const LVP = { '/usr/share/vulkan/icd.d/lvp_icd.json': '{"ICD":{"library_path":"libvulkan_lvp.so"}}' };
const RADEON = { '/usr/share/vulkan/icd.d/radeon_icd.json': '{"ICD":{"library_path":"libvulkan_radeon.so"}}' };

describe('hardwareGpuProblem', () => {
  it('finds no GPU without the Vulkan loader, or with only a software driver', async () => {
    expect(await hardwareGpuProblem(machine({}))).toMatch(/no Vulkan loader \(libvulkan\.so\.1\)/);
    expect(await hardwareGpuProblem(machine({ ...LOADER, ...LVP, '/dev/dri/renderD128': '' }))).toMatch(
      /no hardware Vulkan driver is installed \(only lvp_icd\.json, a software one\)/,
    );
    // A software driver whose manifest has a neutral name is known by its library.
    expect(
      await hardwareGpuProblem(
        machine({
          ...LOADER,
          '/etc/vulkan/icd.d/cpu.json': '{"ICD":{"library_path":"/opt/libvk_swiftshader.so"}}',
          '/dev/dri/renderD128': '',
        }),
      ),
    ).toMatch(/no hardware Vulkan driver/);
  });

  it("needs a GPU device node beside a hardware driver's manifest (Mesa installs them on machines without the GPU)", async () => {
    expect(await hardwareGpuProblem(machine({ ...LOADER, ...LVP, ...RADEON }))).toMatch(/no GPU device node/);
    expect(await hardwareGpuProblem(machine({ ...LOADER, ...LVP, ...RADEON, '/dev/dri/renderD128': '' }))).toBeNull();
    expect(
      await hardwareGpuProblem(
        machine({
          ...LOADER,
          '/etc/vulkan/icd.d/nvidia_icd.json': '{"ICD":{"library_path":"libGLX_nvidia.so.0"}}',
          '/dev/nvidia0': '',
        }),
      ),
    ).toBeNull();
  });

  it('reads the loader path and the driver files the environment names', async () => {
    const files = {
      '/opt/vk/libvulkan.so.1': '',
      '/opt/icd/gpu.json': '{"ICD":{"library_path":"libgpu.so"}}',
      '/dev/dri/renderD129': '',
    };
    expect(
      await hardwareGpuProblem(machine(files, { LD_LIBRARY_PATH: '/opt/vk', VK_DRIVER_FILES: '/opt/icd/gpu.json' })),
    ).toBeNull();
    expect(await hardwareGpuProblem(machine(files, { VK_DRIVER_FILES: '/opt/icd/gpu.json' }))).toMatch(
      /no Vulkan loader/,
    );
  });

  it('leaves macOS (Metal) and Windows (Direct3D 12) to Dawn', async () => {
    expect(await hardwareGpuProblem(machine({}, {}, 'darwin'))).toBeNull();
    expect(await hardwareGpuProblem(machine({}, {}, 'win32'))).toBeNull();
  });
});
