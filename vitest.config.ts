import { defineConfig } from 'vitest/config';

/**
 * The unit tier, `npm run test:fast` (vitest project `unit`): the engine, the protocol and the catalogue
 * import/export, without child processes (the catalogue tests start servers in their own process); it
 * runs in worker threads, which start much faster than processes. Everything else is the `integration`
 * project: servers, real sockets, the CLI and crashes in child processes. `npm test` runs both.
 */
const UNIT = [
  'test/engine/**/*.test.ts',
  'test/protocol/**/*.test.ts',
  'test/catalogue-io/**/*.test.ts',
  'test/foundation/{protocol-codec,framing,engine-step,answered-filter}.test.ts',
  'test/game/rules.test.ts',
];
const ALL = ['test/**/*.test.ts', 'src/**/*.test.ts'];
// Latency checks run alone afterwards (vitest.latency.config.ts), not beside servers of other files.
const LATENCY = 'test/**/*.latency.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that spawn servers, NATS clusters and Chromium are more reliable one file at a time: on two
    // cores vitest's default of cores − 1 workers runs them so (which is why the gate takes ~20 minutes).
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, pool: 'threads' } },
      {
        extends: true,
        test: { name: 'integration', include: ALL, exclude: ['**/node_modules/**', LATENCY, ...UNIT] },
      },
    ],
  },
});
