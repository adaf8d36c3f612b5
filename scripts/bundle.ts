/**
 * Bundles the built CLI and server (tsc's output in dist/) into dist/bin, which `bin`, `npm start` and the
 * tests with TRUINLAG_TEST_DIST=1 run: a few files load in about half the time of the ~200 small modules
 * and the npm packages' own module graphs they import (the issue's start-up targets). Run by
 * `npm run build` after tsc; the library exports (`truinlag/client`, `truinlag/protocol`) stay tsc's output.
 *
 * Rolldown, Vite's bundler (one bundler for the app and the server): it tree-shakes zod's `z` namespace
 * to what the protocol uses (esbuild keeps all of zod's locales, four times the code to load).
 *
 * Layout, and why:
 * - dist/bin is two levels below the package root like dist/server, so the server's
 *   `new URL('../../dist/web/', import.meta.url)` still finds the player app.
 * - What the CLI imports lazily (`serve`, the server, the cluster, picture processing, offline tools)
 *   stays lazy: chunks of their own that only the commands needing them load.
 * - The store's worker threads are started as `./<name>.js` beside the module that starts them
 *   (src/store/thread-module.ts), so they are entry points in the same flat folder as the chunks.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type RolldownOutput } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist/bin';
/** Which packages each output file holds (see packagesByFile). */
const MANIFEST = `${OUT_DIR}/packages.json`;
/** A module's npm package, from its path (the last node_modules in it; scoped names whole). */
const PACKAGE_PATH = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** Worker thread modules of the store, started by name (see above). */
const THREADS = ['commit-thread', 'checkpoint-thread', 'integrity-thread'];

/**
 * Packages left to Node's resolver: the native addons, which load their compiled binaries by path.
 * Everything else is bundled: the NATS client too, which `serve --nats` then loads in ~30 instead of
 * ~55 ms (its own module graph), though only cluster mode loads it at all.
 */
const EXTERNAL = [/^better-sqlite3(\/|$)/, /^sharp(\/|$)/];

rmSync(`${root}${OUT_DIR}`, { recursive: true, force: true });
const { output } = await build({
  cwd: root,
  input: {
    truinlag: 'dist/cli/main.js',
    ...Object.fromEntries(THREADS.map((name) => [name, `dist/store/${name}.js`])),
  },
  platform: 'node',
  external: EXTERNAL,
  output: { dir: OUT_DIR, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js' },
});
writeFileSync(`${root}${MANIFEST}`, `${JSON.stringify(packagesByFile(output), null, 1)}\n`);

/**
 * The npm packages whose code each output file holds (tree-shaken modules left out): a bundle hides the
 * packages a process loads behind chunk names, so the test that a one-shot call loads none of the
 * heavy ones (test/foundation/cli-modules.test.ts) reads them here.
 */
function packagesByFile(files: RolldownOutput['output']): Record<string, string[]> {
  const chunks = files.filter((file) => file.type === 'chunk');
  return Object.fromEntries(
    chunks.map((chunk) => {
      const emitted = Object.entries(chunk.modules).filter(([, module]) => module.renderedLength > 0);
      const packages = emitted.flatMap(([id]) => PACKAGE_PATH.exec(id)?.[1] ?? []);
      return [chunk.fileName, [...new Set(packages)].sort()];
    }),
  );
}
