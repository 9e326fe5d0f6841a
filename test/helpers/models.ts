/** Checks every model test shares. */
import * as tf from '../../lib/tfjs.ts';
import { expect } from 'vitest';
import type { GenerativeModel } from '../../models/types.ts';

/**
 * Takes `steps` Adam steps on one batch and checks that the loss fell below `factor` times the
 * first step's and that no step left a tensor behind. Disposes the optimizer, not the model.
 */
export function expectLearnsWithoutLeak(m: GenerativeModel, x: tf.Tensor, options: { lr: number; steps: number; factor: number }): void {
  const opt = tf.train.adam(options.lr);
  const l0 = m.trainStep(x, opt, 0);
  const first = l0.dataSync()[0];
  l0.dispose();
  const before = tf.memory().numTensors;
  let last = 0;
  for (let s = 1; s <= options.steps; s++) {
    const l = m.trainStep(x, opt, s);
    last = l.dataSync()[0];
    l.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
  expect(last).toBeLessThan(options.factor * first);
  opt.dispose();
}

/** The loss parts of an autoencoder: no KL term, total = reconstruction. */
export function expectNoKl(m: GenerativeModel, x: tf.Tensor): void {
  const sums = m.lossSums(x, 0);
  const [total, recon, kl] = Array.from(sums.dataSync());
  sums.dispose();
  expect(kl).toBe(0);
  expect(total).toBe(recon);
}

/** The losses of the first `steps` Adam steps of a fresh model on one batch (for repeatability checks). */
export function firstLosses(make: () => GenerativeModel, x: tf.Tensor, steps = 3): number[] {
  const m = make();
  const opt = tf.train.adam(1e-3);
  const losses = Array.from({ length: steps }, (_, s) => {
    const l = m.trainStep(x, opt, s);
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  });
  opt.dispose();
  m.dispose();
  return losses;
}
