import type { ZoneInput } from '../engine/catalogue/types.js';
import { CHALLENGE_RULES, validateZone } from '../engine/catalogue/validation.js';
import type { NumberRange } from './cells.js';
import { parseSectorLetters } from './cells.js';
import { DEFAULT_SBAHN_ZONES, ZONE_COLUMNS, ZONE_SBAHN_COLUMN } from './columns.js';
import { readCsvTable } from './csv-table.js';
import type { PlannedZone, TableOutcome } from './plan-types.js';
import { RowReader, rejectionOf } from './row-reader.js';

// Zone ranges are the validation module's business (one source of truth); a cell only has to be a number.
const ANY_NUMBER: NumberRange = { min: -Infinity, max: Infinity, integer: false };

/**
 * Reads the zone table (IMPORT-1). Every metric is required (the "empty numeric = default"
 * rule is the challenge sheet's; a zone without metrics would silently score wrong), ranges are checked
 * by the validation module, `sectors` must name rows of the sector table, and each zone number appears
 * once. `s_bahn_zone`, our optional column, overrides the importer's hard-coded list.
 */
export function readZonesTable(text: string, knownSectors: ReadonlySet<string>): TableOutcome<PlannedZone> {
  const table = readCsvTable(text, 'zones', { required: ZONE_COLUMNS, optional: [ZONE_SBAHN_COLUMN] });
  const outcome: TableOutcome<PlannedZone> = { items: [], skipped: table.skipped, rejected: table.rejected };
  const firstLine = new Map<number, number>();
  for (const row of table.rows) {
    const reader = new RowReader(row);
    const zone = readZone(reader, knownSectors);
    const first = firstLine.get(zone.number);
    if (first !== undefined) reader.report(`zone ${zone.number} is already defined on line ${first}`);
    if (reader.problems.length > 0) {
      outcome.rejected.push(rejectionOf('zones', row.line, reader.problems));
      continue;
    }
    firstLine.set(zone.number, row.line);
    outcome.items.push(zone);
  }
  return outcome;
}

function readZone(reader: RowReader, knownSectors: ReadonlySet<string>): PlannedZone {
  const number = reader.requiredNumber('Zone', ANY_NUMBER);
  const closeSectors = reader.take(parseSectorLetters(reader.raw('sectors'), 'sectors'), []);
  const unknown = closeSectors.filter((s) => !knownSectors.has(s));
  if (unknown.length > 0) {
    reader.report(`unknown sector(s) ${unknown.join(', ')} in sectors`, CHALLENGE_RULES.unknownSector);
  }
  const zone: PlannedZone = {
    number,
    numConnZones: reader.requiredNumber('num conn zones', ANY_NUMBER),
    numConnections: reader.requiredNumber('num connections', ANY_NUMBER),
    trainThrough: reader.bool('train through'),
    mongus: reader.bool('Mongus'),
    sBahnZone: reader.optionalBool(ZONE_SBAHN_COLUMN) ?? DEFAULT_SBAHN_ZONES.has(number),
    closeSectors,
  };
  if (reader.problems.length === 0) checkRanges(reader, zone);
  return zone;
}

const FIELD_COLUMNS: Partial<Record<string, string>> = {
  number: 'Zone',
  numConnZones: 'num conn zones',
  numConnections: 'num connections',
};

/** The validation module's zone ranges; travel minutes and sectors are checked by the tables here. */
function checkRanges(reader: RowReader, zone: PlannedZone): void {
  const input: ZoneInput = { ...zone, minutesTo: {}, closeSectors: [] };
  const ANY = { has: () => true };
  for (const violation of validateZone(input, { zones: new Map(), sectors: ANY })) {
    const column = FIELD_COLUMNS[violation.field] ?? violation.field;
    reader.report(`${violation.message} (column ${column})`, violation.rule);
  }
}
