/** The tolerance the theory tests compare a Monte Carlo estimate to its closed form with. */
import { expect } from 'vitest';

/** |sim - theory| within `z` standard errors and within `rel` of the closed form. */
export function expectNear(sim: number, se: number, theory: number, z: number, rel: number): void {
  expect(Math.abs(sim - theory)).toBeLessThan(z * se);
  expect(Math.abs(sim - theory) / theory).toBeLessThan(rel);
}
