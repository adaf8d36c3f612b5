import type { RejectedRow, TableName } from './csv-table.js';

/** A refused row: where it is and why. `line` is null only when the row could not be located. */
export interface RejectedReport {
  table: TableName;
  line: number | null;
  reason: string;
  rule?: string;
  /** Who refused it: the sheet itself (plan), the match against the catalogue (diff), or the engine. */
  by: 'sheet' | 'catalogue' | 'engine';
}

/** What an import did (a dry run: would do) to one kind of entity. */
export interface EntitySummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Blank rows (not reported, not imported). */
  skipped: number;
}

/** The kinds of entity an import counts; `distances` counts travel-minute entries. */
export type Counted = 'sets' | 'sectors' | 'zones' | 'distances' | 'challenges';

/** The outcome of an import run through the engine (or of its dry run). */
export interface ImportOutcome {
  dryRun: boolean;
  /** Per kind of entity. For a dry run: what would happen. */
  summary: Record<Counted, EntitySummary>;
  /** Sector neighbour links added and removed (part of the sector updates). */
  links: { added: number; removed: number };
  /** Every refused row, by table (challenges, zones, distances, sectors), then line. */
  rejected: RejectedReport[];
  /** Whether anything was (dry run: would be) changed. */
  changed: boolean;
}

/** A row the plan or the diff refused, as reported. */
export function reportOf(row: RejectedRow, by: RejectedReport['by']): RejectedReport {
  return {
    table: row.table,
    line: row.line,
    reason: row.reason,
    ...(row.rule === undefined ? {} : { rule: row.rule }),
    by,
  };
}
