import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/server.js';

/** Every TypeScript file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('cluster mode is opt-in', () => {
  it('no module outside src/cluster loads NATS or src/cluster, except serve --nats (lazily)', () => {
    const src = join(REPO_ROOT, 'src');
    const loading = sources(src)
      .filter((file) => !file.startsWith(join(src, 'cluster')))
      .filter((file) => {
        // Type-only imports vanish from the built code; a dynamic import() loads only when it runs.
        const text = readFileSync(file, 'utf8').replace(/^import type .*$/gm, '');
        return /from '@nats-io\//.test(text) || /from '(\.\.\/)+cluster\//.test(text);
      })
      .map((file) => relative(REPO_ROOT, file));
    expect(loading).toEqual([]);
    expect(readFileSync(join(src, 'cli', 'serve.ts'), 'utf8')).toContain(
      "await import('../cluster/start-node.js')",
    );
  });
});
