/**
 * Bundles the built CLI and server (tsc's output in dist/) into dist/bin, which `bin`, `npm start` and the
 * tests with TRUINLAG_TEST_DIST=1 run: one file per part loads in about half the time of the ~200 small
 * modules and the npm packages' own module graphs they import (the issue's start-up targets). Run by
 * `npm run build` after tsc; the library exports (`truinlag/client`, `truinlag/protocol`) stay tsc's output.
 *
 * Layout, and why:
 * - dist/bin is two levels below the package root like dist/server, so the server's
 *   `new URL('../../dist/web/', import.meta.url)` still finds the player app.
 * - What the CLI imports lazily (`serve`, the server, the cluster, picture processing, offline tools)
 *   stays lazy: split into chunks that only the commands needing them load.
 * - The store's worker threads are started as `./<name>.js` beside the module that starts them
 *   (src/store/thread-module.ts), so they are entry points in the same flat folder as the chunks.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist/bin';

/** Worker thread modules of the store, started by name (see above). */
const THREADS = ['commit-thread', 'checkpoint-thread', 'integrity-thread'];

/**
 * Packages left to Node's resolver: native addons (they load their compiled binaries by path) and the
 * NATS client (only `serve --nats` loads it; bundled it gains nothing at start-up).
 */
const EXTERNAL = ['better-sqlite3', 'sharp', '@nats-io/*'];

/**
 * CommonJS packages bundled into ES modules still call `require` for Node's built-ins; an ES module has
 * none, so each output file makes one.
 */
const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module';\n" +
  'const require = __createRequire(import.meta.url);';

rmSync(`${root}${OUT_DIR}`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    truinlag: 'dist/cli/main.js',
    ...Object.fromEntries(THREADS.map((name) => [name, `dist/store/${name}.js`])),
  },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: REQUIRE_SHIM },
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
