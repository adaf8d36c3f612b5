import type { CommitRows } from './commit-rows.js';

/**
 * One commit's rows as the one text posted to the writer thread (posting one text costs the loop about
 * 2.5× less than a structured clone of many small rows). The texts the rows carry — documents, journal
 * inputs, logged frames, answers — are JSON already: wrapping them in JSON again escaped every quote on
 * the loop and unescaped it on the thread. So they go after a header as they are: the header is the rows
 * with each of those cells replaced by its length, and the thread slices them back out, ready to bind.
 */

/** The columns of each kind of row that hold a text (a JSON document or frame), or null. */
const TEXT_COLUMNS = {
  entities: [2],
  periods: [2],
  meta: [1],
  journal: [1],
  broadcasts: [3, 4],
  answers: [3],
} as const;
type RowKind = keyof typeof TEXT_COLUMNS;
const ROW_KINDS = Object.keys(TEXT_COLUMNS) as RowKind[];

type Cell = string | number | null;

/** The rows as one text: a JSON header line, then the texts of their text columns, back to back. */
export function encodeRows(rows: CommitRows): string {
  const texts: string[] = [];
  const header: Record<string, unknown> = { ...rows };
  for (const kind of ROW_KINDS) {
    header[kind] = (rows[kind] as readonly (readonly Cell[])[]).map((row) => {
      const cells = [...row];
      for (const column of TEXT_COLUMNS[kind]) {
        const text = cells[column];
        if (typeof text !== 'string') continue;
        texts.push(text);
        cells[column] = text.length;
      }
      return cells;
    });
  }
  return `${JSON.stringify(header)}\n${texts.join('')}`;
}

/** The rows of a text made by {@link encodeRows}. */
export function decodeRows(message: string): CommitRows {
  const newline = message.indexOf('\n');
  const rows = JSON.parse(message.slice(0, newline)) as Record<RowKind, Cell[][]>;
  let offset = newline + 1;
  for (const kind of ROW_KINDS) {
    for (const row of rows[kind]) {
      for (const column of TEXT_COLUMNS[kind]) {
        const length = row[column];
        if (typeof length !== 'number') continue;
        row[column] = message.slice(offset, offset + length);
        offset += length;
      }
    }
  }
  return rows as unknown as CommitRows;
}
