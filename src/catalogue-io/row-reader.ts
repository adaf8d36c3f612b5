import type { NumberRange, Parsed } from './cells.js';
import { parseBoolean, parseNumber, parseOptionalBoolean, parseText } from './cells.js';
import type { CsvRow, RejectedRow, TableName } from './csv-table.js';

/** A problem found in a row; `rule` when it is one of the validation module's rule codes. */
export interface RowProblem {
  message: string;
  rule?: string;
}

/** One rejected row carrying all its problems; its rule is the first problem's that has one. */
export function rejectionOf(table: TableName, line: number, problems: readonly RowProblem[]): RejectedRow {
  const reason = problems.map((p) => p.message).join('; ');
  const rule = problems.find((p) => p.rule !== undefined)?.rule;
  return rule === undefined ? { table, line, reason } : { table, line, reason, rule };
}

/**
 * Reads the typed cells of one row and collects every problem instead of stopping at the first, so that
 * a rejected row is reported with all its reasons at once. A failed cell yields its fallback value.
 */
export class RowReader {
  readonly problems: RowProblem[] = [];

  constructor(private readonly row: CsvRow) {}

  /** Records a problem that is not about one cell's format (a rule, a reference, a repeat). */
  report(message: string, rule?: string): void {
    this.problems.push(rule === undefined ? { message } : { message, rule });
  }

  /** The trimmed raw cell text ('' when empty). */
  raw(column: string): string {
    return this.row.cell(column);
  }

  /** A free-text cell; null when empty. */
  text(column: string): string | null {
    return parseText(this.row.cell(column));
  }

  /** A required boolean (empty is a problem). */
  bool(column: string): boolean {
    return this.take(parseBoolean(this.row.cell(column), column), false);
  }

  /** An optional boolean (empty → null). */
  optionalBool(column: string): boolean | null {
    return this.take(parseOptionalBoolean(this.row.cell(column), column), null);
  }

  /** A number; an empty cell takes `fallback` (empty numeric cells take defaults). */
  number(column: string, range: NumberRange, fallback: number): number {
    return this.optionalNumber(column, range) ?? fallback;
  }

  /** A number; an empty cell is null. */
  optionalNumber(column: string, range: NumberRange): number | null {
    return this.take(parseNumber(this.row.cell(column), column, range), null);
  }

  /** A number that must be present. */
  requiredNumber(column: string, range: NumberRange): number {
    const value = this.optionalNumber(column, range);
    if (value === null && this.row.cell(column) === '') this.report(`${column} is empty`);
    return value ?? 0;
  }

  /** Unwraps a parse result, recording its reason. */
  take<T>(parsed: Parsed<T>, fallback: T): T {
    if (parsed.ok) return parsed.value;
    this.report(parsed.reason);
    return fallback;
  }
}
