import type { NumberRange } from './cells.js';
import { DISTANCE_COLUMNS } from './columns.js';
import { readCsvTable } from './csv-table.js';
import type { PlannedTravel, TableOutcome } from './plan-types.js';
import { RowReader, rejectionOf } from './row-reader.js';

// Whole minutes up to a day: the validation module's bound for a zone's travel minutes.
const MINUTES: NumberRange = { min: 0, max: 24 * 60, integer: true };
// Any whole number: whether it names a zone is checked against the zone table.
const ZONE_NUMBER: NumberRange = { min: -Infinity, max: Infinity, integer: true };

/**
 * Reads the directed travel-minutes table (IMPORT-1: `Zone A`, `Zone B`, `Travel Time`). Both zones
 * must be rows of the zone table; minutes are whole, 0–1440; each ordered pair appears once.
 * Missing pairs are not an error (the matrix need not be complete).
 */
export function readDistancesTable(
  text: string,
  knownZones: ReadonlySet<number>,
): TableOutcome<PlannedTravel> {
  const table = readCsvTable(text, 'distances', { required: DISTANCE_COLUMNS, optional: [] });
  const outcome: TableOutcome<PlannedTravel> = {
    items: [],
    skipped: table.skipped,
    rejected: table.rejected,
  };
  const firstLine = new Map<string, number>();
  for (const row of table.rows) {
    const reader = new RowReader(row);
    const travel = readTravel(reader, knownZones);
    const pair = `${travel.from}→${travel.to}`;
    const first = firstLine.get(pair);
    if (first !== undefined)
      reader.report(`pair ${travel.from} → ${travel.to} is already given on line ${first}`);
    if (reader.problems.length > 0) {
      outcome.rejected.push(rejectionOf('distances', row.line, reader.problems));
      continue;
    }
    firstLine.set(pair, row.line);
    outcome.items.push(travel);
  }
  return outcome;
}

function readTravel(reader: RowReader, knownZones: ReadonlySet<number>): PlannedTravel {
  const from = reader.requiredNumber('Zone A', ZONE_NUMBER);
  const to = reader.requiredNumber('Zone B', ZONE_NUMBER);
  if (reader.problems.length === 0) {
    for (const zone of new Set([from, to])) {
      if (!knownZones.has(zone)) reader.report(`zone ${zone} is not in the zone table`);
    }
  }
  return { from, to, minutes: reader.requiredNumber('Travel Time', MINUTES) };
}
