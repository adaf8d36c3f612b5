import type { ChallengeInput, SectorInput, ZoneInput } from '../protocol/catalogue.js';
import type { RejectedRow, TableName } from './csv-table.js';

/**
 * The import plan's records. References use stable keys — set name, zone number, sector letter —
 * because database ids are known only to the engine (PROTOCOL-5); see `resolve.ts` for the key → id step.
 */

/** A sector with its neighbours by letter; the plan's neighbourhood is symmetric. */
export type PlannedSector = Omit<SectorInput, 'neighbours'> & {
  /** Sector letters. */
  neighbours: string[];
};

/**
 * A zone keyed by its ZVV number, with its close sectors by letter (CATALOGUE-9). Its travel minutes are
 * planned apart ({@link PlannedTravel}): they refer to zones by number.
 */
export type PlannedZone = Omit<ZoneInput, 'minutesTo' | 'closeSectors'> & {
  /** Sector letters. */
  closeSectors: string[];
};

/** One directed entry of the travel-minutes matrix, by zone number. */
export interface PlannedTravel {
  from: number;
  to: number;
  minutes: number;
}

/**
 * Everything the challenge sheet can express: a {@link ChallengeInput} without `action` (the sheet has
 * no column for it, so import leaves an existing action untouched) and with references by key.
 */
export type SheetChallenge = Omit<ChallengeInput, 'sets' | 'zones' | 'sectors' | 'action'> & {
  /** Set names. */
  sets: string[];
  /** Zone numbers, in sheet order (a Kaff uses the first). */
  zones: number[];
  /** Sector letters, primary first. */
  sectors: string[];
};

/** A challenge row to upsert. */
export interface PlannedChallenge {
  /** 1-based source line of the row. */
  line: number;
  /** The `id` column, when the sheet has one and the cell is filled; the upsert key then. */
  id: number | null;
  /** The natural upsert key (see `challenge-key.ts`); unique within a plan. */
  key: string;
  challenge: SheetChallenge;
}

/** Per-table row counts: imported (kept in the plan), skipped (blank rows), rejected (reported). */
export interface TableCounts {
  imported: number;
  skipped: number;
  rejected: number;
}

/** What an import would write, computed purely from the four tables (IMPORT-4). */
export interface ImportPlan {
  /** Set names to ensure exist (the seven standard sets, IMPORT-4). */
  sets: string[];
  sectors: PlannedSector[];
  zones: PlannedZone[];
  travelMinutes: PlannedTravel[];
  challenges: PlannedChallenge[];
  /** Every refused row, in table order then line order. */
  rejected: RejectedRow[];
  counts: Record<TableName, TableCounts>;
}

/** The rows of one table that survived, with what was skipped and refused. */
export interface TableOutcome<T> {
  items: T[];
  skipped: number;
  rejected: RejectedRow[];
}
