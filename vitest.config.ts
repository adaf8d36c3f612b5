import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Latency checks run alone afterwards (vitest.latency.config.ts), not beside servers of other files.
    exclude: ['**/node_modules/**', 'test/**/*.latency.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that spawn servers and share the two cores are more reliable one file at a time per core.
    pool: 'forks',
  },
});
