/**
 * The losses the trainer reports must not move when the training step is made faster: the numbers
 * in test/helpers/golden.ts were recorded from the first implementation, and any later speed change
 * must reproduce them. The wasm and cpu backends agree with them to about 1e-7.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../helpers/backend.ts';
import { goldenDifferences } from '../helpers/golden.ts';

beforeAll(async () => {
  await useTestBackend();
});

describe('reported losses on fixed seeds', () => {
  for (const name of ['vae', 'ae'] as const) {
    it(`${name}: two epochs and the test loss match the recorded numbers`, async () => {
      for (const d of await goldenDifferences(name)) expect(Math.abs(d)).toBeLessThan(1e-5);
    });
  }
});
