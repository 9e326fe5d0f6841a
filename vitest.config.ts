import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Training tests are CPU-bound; generous limits, no timing assertions anywhere.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
