import { defineConfig } from 'vitest/config';

/**
 * The few tests that bound a latency (issue 4: an import must not hold up another client's ping for
 * more than 50 ms). They run after the main suite, one file at a time, so that no other test's servers
 * compete for the two cores while they measure.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.latency.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
