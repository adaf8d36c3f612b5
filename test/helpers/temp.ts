import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = new Set<string>();

/**
 * A fresh, empty directory under the system temp directory. The path stays short on purpose: a Unix
 * socket path inside it must fit in ~100 characters.
 */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-'));
  created.add(dir);
  return dir;
}

/** Removes one directory (recursively); missing directories are fine. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  created.delete(dir);
}

/** Removes every directory `tempDir` made in this test file: call it in afterEach/afterAll. */
export function removeTempDirs(): void {
  for (const dir of [...created]) removeDir(dir);
}
