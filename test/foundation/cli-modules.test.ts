import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { found } from '../helpers/found.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';
import { BUILT_CLI, REPO_ROOT } from '../helpers/server.js';

/**
 * A one-shot CLI call loads only what its command needs (issue 14): not the server, the store, picture
 * processing, the CSV reader or the protocol's zod schemas. A module hook in the CLI's process writes
 * down every module it resolves; run as built (TRUINLAG_TEST_DIST=1), those are files of the bundle, whose
 * packages its manifest names.
 */

/** Packages a one-shot call must not load (the server's, the store's, the catalogue import's, zod). */
const HEAVY = [
  'zod',
  'sharp',
  'better-sqlite3',
  'pino',
  'prom-client',
  'hono',
  'csv-parse',
  'csv-stringify',
  'cli-progress',
];

afterAll(() => removeTempDirs());

/** Runs the CLI with a hook that lists every module its process resolves; returns the packages loaded. */
async function packagesLoadedBy(
  args: readonly string[],
): Promise<{ packages: Set<string>; code: number | null }> {
  const dir = tempDir();
  const list = join(dir, 'resolved.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(list)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(list, '');
  const run = await runCli(args, { env: { NODE_OPTIONS: `--import ${register}` } });
  const urls = readFileSync(list, 'utf8').split('\n');
  return { packages: new Set(urls.flatMap(packagesAt)), code: run.code };
}

/** The packages the module at `url` is, or, for a file of the bundle, holds (its manifest says). */
function packagesAt(url: string): string[] {
  if (url.startsWith(BUNDLE_URL)) {
    const file = url.slice(BUNDLE_URL.length);
    return found(bundleManifest()[file], `${file} in the bundle's manifest`);
  }
  const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  return name === undefined ? [] : [name];
}

/** The folder of the built bundle (scripts/bundle.ts), which the CLI runs from with TRUINLAG_TEST_DIST=1. */
const BUNDLE_URL = `${pathToFileURL(join(REPO_ROOT, dirname(BUILT_CLI))).href}/`;

/** scripts/bundle.ts writes down which packages each file of the bundle holds. */
function bundleManifest(): Record<string, string[]> {
  const file = join(REPO_ROOT, dirname(BUILT_CLI), 'packages.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
}

describe('CLI start-up', () => {
  it('help loads commander but none of the heavy modules', async () => {
    const { packages, code } = await packagesLoadedBy(['help']);
    expect(code).toBe(0);
    // The hook sees the CLI's own imports, so an empty list below is not a blind hook.
    expect(packages).toContain('commander');
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  }, 60_000);

  it('a call to the server loads the client (ws) but none of the heavy modules', async () => {
    const socket = join(tempDir(), 'nobody-listens.sock');
    const { packages, code } = await packagesLoadedBy(['--socket', socket, 'player', 'list']);
    // Nothing listens there: the call fails after loading everything it would have used.
    expect(code).toBe(1);
    expect(packages).toContain('ws');
    expect(HEAVY.filter((name) => packages.has(name))).toEqual([]);
  }, 60_000);
});
