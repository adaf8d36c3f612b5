import type { CatalogueTables, TableName } from '../../../../src/catalogue-io/index.js';
import { EMPTY_TABLES, TABLE_NAMES, tableOfFile } from '../../../../src/catalogue-io/index.js';

/** The tables of the files a game master picked, as the CLI reads them from a directory. */
export interface PickedTables {
  tables: CatalogueTables;
  /** The files read, by name. */
  read: string[];
  /** Tables no picked file stands for: read as empty (header only), as the CLI does. */
  missing: TableName[];
  /** Picked files that are none of the four tables (not read). */
  ignored: string[];
}

/**
 * Reads the picked files by name (`challenges.csv`, `zones.csv`, `distances.csv`, `sectors.csv`).
 * Refuses a pick holding none of them, as the CLI refuses such a directory.
 */
export async function readPickedTables(files: readonly File[]): Promise<PickedTables> {
  const tables: CatalogueTables = { ...EMPTY_TABLES };
  const found = new Set<TableName>();
  const ignored: string[] = [];
  const read: string[] = [];
  for (const file of files) {
    const table = tableOfFile(file.name);
    if (table === undefined) ignored.push(file.name);
    else {
      tables[table] = await file.text();
      read.push(file.name);
      found.add(table);
    }
  }
  if (found.size === 0)
    throw new Error('None of the files is challenges.csv, zones.csv, distances.csv or sectors.csv.');
  return { tables, read, missing: TABLE_NAMES.filter((t) => !found.has(t)), ignored };
}
