import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';

/**
 * A one-shot CLI call loads only what its command needs (issue 14): not the server, the store, picture
 * processing, the CSV reader or the protocol's zod schemas. A module hook in the CLI's process writes
 * down every module it resolves.
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
  const packages = new Set(
    readFileSync(list, 'utf8')
      .split('\n')
      .flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []),
  );
  return { packages, code: run.code };
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
