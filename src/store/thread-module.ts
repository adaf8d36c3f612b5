import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` beside the calling module `from` (its
 * `import.meta.url`). Built, that is the compiled `name.js` in dist. Run from the TypeScript sources
 * (vitest, tsx) it is `name.ts`, which a plain worker cannot load: Node 20 does not apply the `--import`
 * hooks of a worker's `execArgv` before its main module, so a small bootstrap registers tsx's hooks in
 * the thread first, then imports the module.
 */
export function startThread(from: string, name: string, options: WorkerOptions): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const module = new URL(`./${name}.ts`, from).href;
  const bootstrap = [
    `const { register } = await import(${JSON.stringify(tsxApi(from))});`,
    'register();',
    `await import(${JSON.stringify(module)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}

/** tsx's ESM API, found through its package's export map (a bootstrap in a data: URL resolves no names). */
function tsxApi(from: string): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: { './esm/api': { import: { default: string } } };
  };
  return pathToFileURL(join(dirname(manifest), exports['./esm/api'].import.default)).href;
}
