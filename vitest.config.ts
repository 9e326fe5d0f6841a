import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No time limits: training tests are CPU-bound and must pass on a loaded machine (0 = none).
    // No test times anything either; speed is measured by scripts/bench.ts.
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default is one fewer than the cores): most
    // tests wait on CLI processes they start, so a second file fills that time.
    maxWorkers: 2,
  },
});
