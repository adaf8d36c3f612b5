/**
 * Reading and writing the reference spreadsheet layout (IMPORT-1 to IMPORT-5): pure
 * functions from four CSV texts to an import plan, from a plan and a catalogue to an upsert diff, and
 * from a catalogue back to the four CSV texts. See docs/catalogue-import.md.
 */
export type { CatalogueTables, ParseOptions } from './parse-tables.js';
export { parseCatalogueTables } from './parse-tables.js';
export type { RejectedRow, TableName } from './csv-table.js';
export type {
  ImportPlan,
  PlannedChallenge,
  PlannedSector,
  PlannedTravel,
  PlannedZone,
  SheetChallenge,
  TableCounts,
} from './plan-types.js';
export type { EntityDiff, Match, PlanDiff, TravelDiff } from './diff-plan.js';
export { diffPlan, isUnchanged } from './diff-plan.js';
export type { CatalogueKeys } from './resolve.js';
export { catalogueKeys, resolveChallenge, resolveSector, resolveZone } from './resolve.js';
export { naturalKey } from './challenge-key.js';
export { writeCatalogueTables } from './write-tables.js';
export { EMPTY_TABLES, TABLE_NAMES, fileOf, tableOfFile } from './table-files.js';
export type { LineIndex } from './line-index.js';
export { lineIndex } from './line-index.js';
export type { LinkOps } from './link-ops.js';
export { linkOps } from './link-ops.js';
export type { CatalogueRequester } from './live-catalogue.js';
export { fetchCatalogue } from './live-catalogue.js';
export type { Counted, EntitySummary, ImportOutcome, RejectedReport } from './import-report.js';
export type { ImportProgress, RunImportOptions } from './apply-import.js';
export { runImport } from './apply-import.js';
export { breakdownRows, type BreakdownRow } from './breakdown-rows.js';
export { namesOf, type Names } from './catalogue-names.js';
