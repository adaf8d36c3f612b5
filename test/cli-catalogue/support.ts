import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogueTables } from '../../src/catalogue-io/index.js';
import { runCli, tempDir, type CliRun } from '../helpers/index.js';

/** The zvv-demo fixture directory (test/fixtures/zvv-demo, see its README). */
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/zvv-demo/', import.meta.url));

/** Runs the CLI against a server's local socket. */
export function cli(socket: string, args: readonly string[], timeoutMs = 150_000): Promise<CliRun> {
  return runCli(['--socket', socket, ...args], { timeoutMs });
}

/** Runs the CLI with --json, expects exit status `code` and parses the single JSON document it printed. */
export async function cliJson<T = unknown>(socket: string, args: readonly string[], code = 0): Promise<T> {
  const run = await cli(socket, ['--json', ...args]);
  if (run.code !== code) {
    throw new Error(
      `truinlag ${args.join(' ')} exited ${run.code} (wanted ${code}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout) as T;
}

/** Writes the given tables (only those present) as CSV files into a fresh directory. */
export function writeTables(tables: Partial<CatalogueTables>): string {
  const dir = join(tempDir(), 'sheet');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(tables)) writeFileSync(join(dir, `${name}.csv`), text);
  return dir;
}

/** The shape `truinlag --json import` prints (see src/cli/catalogue/import.ts and src/catalogue-io/import-report.ts). */
export interface ImportJson {
  dir: string;
  dryRun: boolean;
  missing: string[];
  summary: Record<
    'sets' | 'sectors' | 'zones' | 'distances' | 'challenges',
    { created: number; updated: number; unchanged: number; rejected: number; skipped: number }
  >;
  links: { added: number; removed: number };
  rejected: { table: string; line: number | null; reason: string; rule?: string; by: string }[];
  changed: boolean;
}
