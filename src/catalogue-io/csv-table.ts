import { parse } from 'csv-parse/sync';

/** The four tables of the reference spreadsheet (IMPORT-1). */
export type TableName = 'challenges' | 'zones' | 'distances' | 'sectors';

/** A row the import refuses, with the 1-based source line where its record starts (IMPORT-3). */
export interface RejectedRow {
  table: TableName;
  line: number;
  reason: string;
  /** Rule code from the validation module when a catalogue rule (CATALOGUE-4, CATALOGUE-5) was violated. */
  rule?: string;
}

/** One data record: its 1-based source line and its cells by canonical column name. */
export interface CsvRow {
  readonly line: number;
  /** Trimmed cell text by canonical column name; '' for empty cells and absent optional columns. */
  cell(column: string): string;
}

/** Which columns a table must have and which it may have; names as written by the reference sheet. */
export interface TableColumns {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

/** The outcome of reading one table: its data rows, blank rows skipped, and rows refused. */
export interface CsvTable {
  rows: CsvRow[];
  skipped: number;
  rejected: RejectedRow[];
}

/**
 * Header names match leniently: case, surrounding spaces and the space/underscore difference are ignored,
 * because the reference sheets mix `num conn zones` and `challenge_type` styles.
 */
export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

interface RawRecord {
  info: { lines: number };
  record: string[];
}

/**
 * Reads one CSV table (IMPORT-2: UTF-8 with or without BOM, LF or CRLF, quoted cells with line breaks).
 * Columns are found by name, never by position; unknown columns are ignored. A missing required column
 * or a CSV syntax error refuses the whole table (one rejected row, no data rows). Rows that are entirely
 * blank are skipped (counted, not reported); rows with more filled cells than the header are refused.
 */
export function readCsvTable(text: string, table: TableName, columns: TableColumns): CsvTable {
  // Normalising line breaks first makes csv-parse's line counter exact and makes CRLF and LF sheets
  // produce identical cell texts (a quoted cell's own line breaks included).
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let records: RawRecord[];
  // The record that fails starts after the last good one; csv-parse itself reports where it gave up,
  // which for an unclosed quote is the end of the file.
  let lastGoodLine = 0;
  try {
    records = parse(normalised, {
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lastGoodLine = context.lines;
        return record;
      },
    }) as unknown as RawRecord[];
  } catch (error) {
    return refuseTable(table, lastGoodLine + 1, `CSV syntax error: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) return refuseTable(table, 1, 'the table is empty (no header line)');
  const indexOf = mapColumns(header.record, columns);
  if (typeof indexOf === 'string') return refuseTable(table, startLine(header), indexOf);

  const result: CsvTable = { rows: [], skipped: 0, rejected: [] };
  for (const raw of body) {
    const line = startLine(raw);
    const cells = raw.record.map((c) => c.trim());
    if (cells.every((c) => c === '')) {
      result.skipped++;
    } else if (cells.slice(header.record.length).some((c) => c !== '')) {
      const reason = `the row has ${cells.length} cells but the header has ${header.record.length} columns`;
      result.rejected.push({ table, line, reason });
    } else {
      result.rows.push({ line, cell: (column) => cells[indexOf.get(column) ?? -1] ?? '' });
    }
  }
  return result;
}

/** The line a record starts on: csv-parse reports the line it ends on, so step back over its breaks. */
function startLine(raw: RawRecord): number {
  const breaks = raw.record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
  return raw.info.lines - breaks;
}

/** Canonical column name → field index, or the reason the header is unusable. */
function mapColumns(header: readonly string[], columns: TableColumns): Map<string, number> | string {
  const byNormalised = new Map<string, number>();
  for (const [index, name] of header.entries()) {
    const key = normaliseHeader(name);
    if (key === '') continue;
    if (byNormalised.has(key)) return `column "${name.trim()}" appears twice in the header`;
    byNormalised.set(key, index);
  }
  const indexOf = new Map<string, number>();
  const missing: string[] = [];
  for (const column of [...columns.required, ...columns.optional]) {
    const index = byNormalised.get(normaliseHeader(column));
    if (index !== undefined) indexOf.set(column, index);
    else if (columns.required.includes(column)) missing.push(column);
  }
  if (missing.length > 0) return `missing column(s): ${missing.join(', ')}`;
  return indexOf;
}

function refuseTable(table: TableName, line: number, reason: string): CsvTable {
  return { rows: [], skipped: 0, rejected: [{ table, line, reason }] };
}
