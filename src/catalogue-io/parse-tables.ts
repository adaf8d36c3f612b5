import { readChallengesTable } from './challenges-table.js';
import { STANDARD_SET_NAMES } from './columns.js';
import type { TableName } from './csv-table.js';
import { readDistancesTable } from './distances-table.js';
import type { ImportPlan, TableCounts, TableOutcome } from './plan-types.js';
import { readSectorsTable } from './sectors-table.js';
import { TABLE_NAMES } from './table-files.js';
import { readZonesTable } from './zones-table.js';

/** The four tables of the reference spreadsheet, as CSV text (IMPORT-1). */
export interface CatalogueTables {
  challenges: string;
  zones: string;
  distances: string;
  sectors: string;
}

/** Options for {@link parseCatalogueTables}. */
export interface ParseOptions {
  /**
   * Set names that exist in the engine besides the seven standard ones (e.g. added by an admin), so
   * that rows may use them. The sheet has no set table, so the import never creates other sets.
   */
  extraSetNames?: readonly string[];
}

/**
 * Parses the four tables into an {@link ImportPlan}; pure. Tables are read in dependency order —
 * sectors, zones (close sectors), distances (zones), challenges (sets, zones, sectors) — and a reference
 * resolves only to a row of these tables that was accepted (the sheet is the whole source; nothing is
 * looked up in the engine except `extraSetNames`).
 */
export function parseCatalogueTables(tables: CatalogueTables, options: ParseOptions = {}): ImportPlan {
  const sectors = readSectorsTable(tables.sectors);
  const zones = readZonesTable(tables.zones, new Set(sectors.items.map((s) => s.name)));
  const zoneNumbers = new Set(zones.items.map((z) => z.number));
  const distances = readDistancesTable(tables.distances, zoneNumbers);
  const setNames = [...STANDARD_SET_NAMES, ...(options.extraSetNames ?? [])];
  const challenges = readChallengesTable(tables.challenges, {
    setNames,
    zones: zoneNumbers,
    sectors: new Set(sectors.items.map((s) => s.name)),
  });
  const outcomes: Record<TableName, TableOutcome<unknown>> = { challenges, zones, distances, sectors };
  return {
    sets: [...STANDARD_SET_NAMES],
    sectors: sectors.items,
    zones: zones.items,
    travelMinutes: distances.items,
    challenges: challenges.items,
    rejected: TABLE_NAMES.flatMap((table) => [...outcomes[table].rejected].sort((a, b) => a.line - b.line)),
    counts: countsOf(outcomes),
  };
}

function countsOf(outcomes: Record<TableName, TableOutcome<unknown>>): Record<TableName, TableCounts> {
  const count = (o: TableOutcome<unknown>): TableCounts => ({
    imported: o.items.length,
    skipped: o.skipped,
    rejected: o.rejected.length,
  });
  return {
    challenges: count(outcomes.challenges),
    zones: count(outcomes.zones),
    distances: count(outcomes.distances),
    sectors: count(outcomes.sectors),
  };
}
