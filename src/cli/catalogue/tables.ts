import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogueTables } from '../../catalogue-io/parse-tables.js';
import type { TableName } from '../../catalogue-io/csv-table.js';
import { EMPTY_TABLES, fileOf, TABLE_NAMES } from '../../catalogue-io/table-files.js';

/**
 * Reads `challenges.csv`, `zones.csv`, `distances.csv` and `sectors.csv` from a directory. A missing
 * file is an empty table (header only: no rows, nothing reported); a directory with none of the four
 * files is an error, since it is almost certainly the wrong directory.
 */
export function readTableFiles(dir: string): { tables: CatalogueTables; missing: TableName[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory.`);
  const missing: TableName[] = [];
  const read = (table: TableName): string => {
    const file = join(dir, fileOf(table));
    if (existsSync(file)) return readFileSync(file, 'utf8');
    missing.push(table);
    return EMPTY_TABLES[table];
  };
  const tables: CatalogueTables = {
    challenges: read('challenges'),
    zones: read('zones'),
    distances: read('distances'),
    sectors: read('sectors'),
  };
  if (missing.length === TABLE_NAMES.length) {
    throw new Error(`${dir} holds none of ${TABLE_NAMES.map(fileOf).join(', ')}.`);
  }
  return { tables, missing };
}

/** Writes the four tables into a directory (created if needed); returns the files written. */
export function writeTableFiles(dir: string, tables: CatalogueTables): string[] {
  mkdirSync(dir, { recursive: true });
  return TABLE_NAMES.map((table) => {
    const file = join(dir, fileOf(table));
    writeFileSync(file, tables[table]);
    return file;
  });
}
