import type { TableName } from './csv-table.js';
import type { CatalogueTables } from './parse-tables.js';
import { writeCatalogueTables } from './write-tables.js';

/** The four tables in the order they are read and reported. */
export const TABLE_NAMES: readonly TableName[] = ['challenges', 'zones', 'distances', 'sectors'];

/** A table's file name (in a directory, in a browser's file picker, in an export). */
export const fileOf = (table: TableName): string => `${table}.csv`;

/** The table a file name stands for (`zones.csv`, any case), or undefined for any other file. */
export function tableOfFile(name: string): TableName | undefined {
  return TABLE_NAMES.find((table) => fileOf(table) === name.toLowerCase());
}

/** An empty table of each kind: just its header line (what a missing file stands for). */
export const EMPTY_TABLES: CatalogueTables = writeCatalogueTables({
  challenges: new Map(),
  sets: new Map(),
  zones: new Map(),
  sectors: new Map(),
});
