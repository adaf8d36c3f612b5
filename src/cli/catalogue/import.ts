import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { TruinlagClient } from '../../client/node.js';
import type { CatalogueTables, ImportOutcome, ImportProgress, TableName } from '../../catalogue-io/index.js';
import { fileOf, runImport } from '../../catalogue-io/index.js';
import type { GlobalOptions } from '../connection.js';
import { formatTable } from '../output.js';
import { withClient } from './live.js';
import { readTableFiles } from './tables.js';

/**
 * `truinlag import DIR`: the catalogue import (IMPORT-4) of the four tables in DIR, run through the engine
 * by `runImport` (src/catalogue-io, the same code the dashboard runs in the browser), with a progress bar
 * on a terminal.
 *
 * Exit status: 0 when the import ran (rejected rows are reported, not fatal); 1 when it could not run
 * (unreadable directory, connection lost, an engine failure); with `--strict`, 2 when any row was
 * rejected (the valid rows are still imported, unless `--dry-run`).
 */

export interface ImportOptions {
  readonly dryRun: boolean;
  readonly strict: boolean;
}

/** What `truinlag import` reports (`--json` prints it as is). */
export interface ImportReport extends ImportOutcome {
  dir: string;
  /** Tables whose file was absent (read as empty). */
  missing: TableName[];
}

export async function importCommand(
  dir: string,
  options: ImportOptions,
  globals: GlobalOptions,
): Promise<void> {
  const json = globals.json === true;
  const { tables, missing } = readTableFiles(dir);
  const progress = !json && process.stderr.isTTY === true && !options.dryRun;
  const report = await withClient(globals, (client) =>
    importTables(client, tables, { dir: resolve(dir), missing, dryRun: options.dryRun, progress }),
  );
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(renderReport(report));
  if (options.strict && report.rejected.length > 0) process.exitCode = 2;
}

/**
 * The import proper, over a connected client (see `runImport`). `dir` and `missing` only go into the
 * report; `progress` draws a bar on stderr.
 */
export async function importTables(
  client: TruinlagClient,
  tables: CatalogueTables,
  options: { dir: string; missing: TableName[]; dryRun: boolean; progress: boolean },
): Promise<ImportReport> {
  const bar = options.progress ? new ProgressBar() : undefined;
  try {
    const outcome = await runImport(client, tables, {
      dryRun: options.dryRun,
      ...(bar === undefined ? {} : { onProgress: (p: ImportProgress) => bar.show(p) }),
    });
    return { dir: options.dir, missing: options.missing, ...outcome };
  } finally {
    bar?.stop();
  }
}

/** The terminal's progress bar, started once the import knows how many requests it sends. */
class ProgressBar {
  private bar: cliProgress.SingleBar | undefined;

  show({ done, total, phase }: ImportProgress): void {
    if (this.bar === undefined && total > 0) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'import [{bar}] {percentage}% {value}/{total} {phase}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, done, { phase });
    } else this.bar?.update(done, { phase });
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** The human report: rejected rows first (they need attention), then the counts. */
export function renderReport(report: ImportReport): string {
  const out: string[] = [];
  if (report.missing.length > 0) {
    out.push(`No ${report.missing.map(fileOf).join(', ')} in ${report.dir}: read as empty.`);
  }
  if (report.rejected.length > 0) {
    out.push(`Rejected rows (${report.rejected.length}):`);
    for (const r of report.rejected) {
      const where = r.line === null ? fileOf(r.table) : `${fileOf(r.table)} line ${r.line}`;
      out.push(`  ${where}: ${r.reason}${r.rule === undefined ? '' : ` [${r.rule}]`}`);
    }
    out.push('');
  }
  const rows = Object.entries(report.summary).map(([table, s]) => ({ table, ...s }));
  out.push(formatTable(rows));
  if (report.links.added + report.links.removed > 0) {
    out.push(`sector neighbour links: ${report.links.added} added, ${report.links.removed} removed`);
  }
  const verb = report.dryRun ? 'Dry run: nothing was changed' : 'Import done';
  const what = report.changed
    ? report.dryRun
      ? 'the counts above are what an import would do'
      : 'the catalogue was updated'
    : 'the catalogue already matches the sheet';
  out.push(`${verb}; ${what}; ${report.rejected.length} row(s) rejected.`);
  return `${out.join('\n')}\n`;
}
