import { beforeAll, describe, expect, it } from 'vitest';
import { convTrainingSize } from '../../models/conv-memory.ts';
import { createConvVae, CONV_CELEBA, resolveConvArch } from '../../models/conv-vae.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(useTestBackend);

describe('convTrainingSize', () => {
  it('counts a one-layer model by hand: weights, feature maps, bytes', () => {
    // 8x8x1 -> conv 4x4 to 4x4x2 -> two heads of 3 -> dense to 4x4x2 -> deconv to 8x8x1.
    const arch = { imageShape: [8, 8, 1] as [number, number, number], channels: [2], kernelSize: 4, latentDim: 3 };
    const size = convTrainingSize(arch, 2, 10);
    expect(size.weights).toBe(16 * 2 + 2 + (16 * 2 + 1) + 2 * 33 * 3 + 4 * 32);
    expect(size.activationsPerImage).toBe(2 * 64 + 2 * 32 + 3 * 3);
    expect(size.bytes).toBe(16 * size.weights + 12 * 10 * size.activationsPerImage);
  });

  it("counts the CelebA preset's weights as the model holds them", () => {
    const vae = createConvVae({ ...CONV_CELEBA, seed: 0 });
    const held = vae.network.countParams();
    vae.dispose();
    expect(convTrainingSize(resolveConvArch({}), 2, 128).weights).toBe(held);
  });
});
