import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogueTables, TableName } from '../../catalogue-io/index.js';
import { writeCatalogueTables } from '../../catalogue-io/index.js';
import { readCsvTable } from '../../catalogue-io/csv-table.js';

/** The four tables in the order they are read and reported, and their file names in a directory. */
export const TABLE_NAMES: readonly TableName[] = ['challenges', 'zones', 'distances', 'sectors'];
export const fileOf = (table: TableName): string => `${table}.csv`;

/** An empty table of each kind: just its header line (what a missing file stands for). */
const EMPTY_TABLES: CatalogueTables = writeCatalogueTables({
  challenges: new Map(),
  sets: new Map(),
  zones: new Map(),
  sectors: new Map(),
});

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

/**
 * Source lines of the zone, sector and travel rows by their key (zone number, sector letter,
 * `from>to`), so that a row the engine refuses can be reported at its line like a row the plan refused.
 * (Challenge rows carry their line in the plan.) The first row with a key wins.
 */
export interface LineIndex {
  zone: (number: number) => number | null;
  sector: (letter: string) => number | null;
  travel: (from: number, to: number) => number | null;
}

export function lineIndex(tables: CatalogueTables): LineIndex {
  const index = (
    text: string,
    table: TableName,
    columns: readonly string[],
    keyOf: (cell: (column: string) => string) => string,
  ): Map<string, number> => {
    const lines = new Map<string, number>();
    for (const row of readCsvTable(text, table, { required: columns, optional: [] }).rows) {
      const key = keyOf((column) => row.cell(column));
      if (!lines.has(key)) lines.set(key, row.line);
    }
    return lines;
  };
  const zones = index(tables.zones, 'zones', ['Zone'], (cell) => String(Number(cell('Zone'))));
  const sectors = index(tables.sectors, 'sectors', ['sector'], (cell) => cell('sector').toUpperCase());
  const travel = index(
    tables.distances,
    'distances',
    ['Zone A', 'Zone B'],
    (cell) => `${Number(cell('Zone A'))}>${Number(cell('Zone B'))}`,
  );
  return {
    zone: (number) => zones.get(String(number)) ?? null,
    sector: (letter) => sectors.get(letter.toUpperCase()) ?? null,
    travel: (from, to) => travel.get(`${from}>${to}`) ?? null,
  };
}
