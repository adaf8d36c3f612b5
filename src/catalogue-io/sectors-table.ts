import { parseSectorLetters } from './cells.js';
import { SECTOR_COLUMNS } from './columns.js';
import type { RejectedRow } from './csv-table.js';
import { readCsvTable } from './csv-table.js';
import type { PlannedSector, TableOutcome } from './plan-types.js';
import { RowReader, rejectionOf } from './row-reader.js';

interface SectorRow {
  line: number;
  sector: PlannedSector;
}

/**
 * Reads the sector table (IMPORT-1: `sector` = one letter, `neighbours` = letters). A row is refused
 * when its name is not one letter, repeats an earlier row, lists itself, or names a sector that no
 * accepted row defines. The result is made symmetric: if A lists B, B gets A (CATALOGUE-10).
 */
export function readSectorsTable(text: string): TableOutcome<PlannedSector> {
  const table = readCsvTable(text, 'sectors', { required: SECTOR_COLUMNS, optional: [] });
  const rejected = [...table.rejected];
  const rows: SectorRow[] = [];
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const reader = new RowReader(row);
    const sector = readSector(reader, firstLine);
    if (sector === undefined) {
      rejected.push(rejectionOf('sectors', row.line, reader.problems));
      continue;
    }
    firstLine.set(sector.name, row.line);
    rows.push({ line: row.line, sector });
  }
  const accepted = dropDanglingNeighbours(rows, rejected);
  return { items: symmetrise(accepted.map((r) => r.sector)), skipped: table.skipped, rejected };
}

/** One sector row, or undefined (with the reasons in `reader.problems`). */
function readSector(reader: RowReader, firstLine: ReadonlyMap<string, number>): PlannedSector | undefined {
  const name = reader.take(parseSectorLetters(reader.raw('sector'), 'sector'), []);
  const neighbours = reader.take(parseSectorLetters(reader.raw('neighbours'), 'neighbours'), []);
  const letter = name.length === 1 ? name[0] : undefined;
  if (letter === undefined) {
    if (reader.problems.length === 0) reader.report('sector must be one letter');
    return undefined;
  }
  if (neighbours.includes(letter)) reader.report(`sector ${letter} lists itself`);
  const first = firstLine.get(letter);
  if (first !== undefined) reader.report(`sector ${letter} is already defined on line ${first}`);
  return reader.problems.length === 0 ? { name: letter, neighbours } : undefined;
}

/** Refuses rows naming unknown neighbours, repeating until no refusal leaves another reference dangling. */
function dropDanglingNeighbours(rows: SectorRow[], rejected: RejectedRow[]): SectorRow[] {
  let kept = rows;
  for (;;) {
    const known = new Set(kept.map((r) => r.sector.name));
    const next = kept.filter((r) => {
      const unknown = r.sector.neighbours.filter((n) => !known.has(n));
      if (unknown.length === 0) return true;
      const reason = `neighbour(s) ${unknown.join(', ')} not defined in the sector table`;
      rejected.push({ table: 'sectors', line: r.line, reason });
      return false;
    });
    if (next.length === kept.length) return kept;
    kept = next;
  }
}

/** Adds every missing reverse link, after the listed ones, in sheet order. */
function symmetrise(sectors: PlannedSector[]): PlannedSector[] {
  return sectors.map((sector) => {
    const reverse = sectors.filter((other) => other.neighbours.includes(sector.name)).map((o) => o.name);
    return { name: sector.name, neighbours: [...new Set([...sector.neighbours, ...reverse])] };
  });
}
