import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../lib/tfjs.ts';
import { createImageSet } from '../../data/images.ts';
import { formatProfile, profileTraining } from '../../lib/bench.ts';
import { createVae } from '../../models/vae.ts';
import { useTestBackend } from '../helpers/backend.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('profileTraining', () => {
  it('splits a step into kernels and the rest, without counting wrapper kernels twice', async () => {
    const pixels = Uint8Array.from({ length: 64 * 8 * 8 }, (_, i) => (i * 37) % 256);
    const train = createImageSet(pixels, [8, 8, 1]);
    const model = createVae({ imageShape: [8, 8, 1], hidden: [16], latentDim: 2, seed: 1 });
    const before = tf.memory().numTensors;
    const p = await profileTraining({ model, train, batchSize: 16, warmupSteps: 1, steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    expect(p.rows.at(-1)?.kernel).toBe('outside kernels');
    const names = p.rows.map((r) => r.kernel);
    // Products are counted; fusedMatMul's custom-gradient wrapper (not a kernel of the backend) is not.
    expect(names.some((n) => /MatMul/.test(n))).toBe(true);
    expect(names.some((n) => n.endsWith('__op'))).toBe(false);
    const share = p.rows.reduce((s, r) => s + r.share, 0);
    expect(share).toBeCloseTo(1, 6);
    expect(p.callsPerStep).toBeGreaterThan(10);
    const table = formatProfile(p).split('\n');
    expect(table[0]).toMatch(/^kernel\s+calls\s+ms\/step\s+share$/);
    expect(table.at(-1)).toMatch(/^step\s+\d+\s+[\d.]+\s+100%$/);
  });
});
