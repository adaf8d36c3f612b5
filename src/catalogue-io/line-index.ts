import type { TableName } from './csv-table.js';
import { readCsvTable } from './csv-table.js';
import type { CatalogueTables } from './parse-tables.js';

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

/** The line index of the four tables' texts. */
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
