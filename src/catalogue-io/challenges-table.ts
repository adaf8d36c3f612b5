import type { ChallengeInput } from '../engine/catalogue/types.js';
import type { IdLookup } from '../engine/catalogue/validation.js';
import { CHALLENGE_RULES, validateChallenge } from '../engine/catalogue/validation.js';
import { isRandomZoneMarker } from './cells.js';
import { naturalKey } from './challenge-key.js';
import type { SheetReferences } from './challenge-row.js';
import { readChallengeId, readChallengeRow } from './challenge-row.js';
import { CHALLENGE_COLUMNS, OPTIONAL_CHALLENGE_COLUMNS } from './columns.js';
import type { CsvRow } from './csv-table.js';
import { readCsvTable } from './csv-table.js';
import type { PlannedChallenge, SheetChallenge, TableOutcome } from './plan-types.js';
import type { RowProblem } from './row-reader.js';
import { RowReader, rejectionOf } from './row-reader.js';

const REQUIRED = CHALLENGE_COLUMNS.filter((c) => !OPTIONAL_CHALLENGE_COLUMNS.includes(c));

/**
 * Reads the challenge sheet (IMPORT-1). Every row is kept with its status (IMPORT-3); a row is refused
 * when a cell means nothing certain, a reference is unknown, a validity rule fails (ToSort rows get only
 * the structural checks, see validation.ts), or its upsert key repeats an earlier row's.
 */
export function readChallengesTable(text: string, refs: SheetReferences): TableOutcome<PlannedChallenge> {
  const table = readCsvTable(text, 'challenges', {
    required: REQUIRED,
    optional: OPTIONAL_CHALLENGE_COLUMNS,
  });
  const outcome: TableOutcome<PlannedChallenge> = {
    items: [],
    skipped: table.skipped,
    rejected: table.rejected,
  };
  const keys = new UniqueKeys();
  for (const row of table.rows) {
    const reader = new RowReader(row);
    const planned = readPlannedChallenge(reader, row, refs);
    if (planned !== undefined) keys.claim(planned, reader);
    if (planned === undefined || reader.problems.length > 0) {
      outcome.rejected.push(rejectionOf('challenges', row.line, reader.problems));
    } else {
      outcome.items.push(planned);
    }
  }
  return outcome;
}

/** The planned challenge of a row, or undefined with the reasons in `reader.problems`. */
function readPlannedChallenge(
  reader: RowReader,
  row: CsvRow,
  refs: SheetReferences,
): PlannedChallenge | undefined {
  const id = readChallengeId(reader);
  const challenge = readChallengeRow(reader, refs);
  // Rules are checked only on a fully read row: a failed cell's fallback value would only add noise.
  if (reader.problems.length > 0) return undefined;
  for (const problem of checkRules(challenge, row.cell('zone'))) reader.report(problem.message, problem.rule);
  if (reader.problems.length > 0) return undefined;
  const key = naturalKey(challenge);
  if (key === null) reader.report('the row has no place, title or description to be keyed by');
  return key === null ? undefined : { line: row.line, id, key, challenge };
}

// The sheet's references are already resolved by key, so the validation module's id look-ups pass.
const ANY: IdLookup = { has: () => true };

/**
 * The validation module's rules (CATALOGUE-4, CATALOGUE-5) plus the importer rule on `%z`/`%s` in a
 * Kaff's zone cell.
 */
function checkRules(challenge: SheetChallenge, zoneCell: string): RowProblem[] {
  const input: ChallengeInput = {
    ...challenge,
    // Stand-in ids, one per listed name: only their count matters to the rules.
    sets: challenge.sets.map((_, i) => i + 1),
    sectors: challenge.sectors.map((_, i) => i + 1),
    action: null,
  };
  const problems: RowProblem[] = validateChallenge(input, { sets: ANY, zones: ANY, sectors: ANY }).map(
    (v) => ({
      message: `${v.message} (column ${FIELD_COLUMNS[v.field] ?? v.field})`,
      rule: v.rule,
    }),
  );
  const placeKind = challenge.kind === 'Kaff' || challenge.kind === 'ZKaff';
  if (placeKind && challenge.status !== 'ToSort' && isRandomZoneMarker(zoneCell)) {
    const message = `${challenge.kind} must not use ${zoneCell} in the zone column (column zone)`;
    problems.push({ message, rule: CHALLENGE_RULES.kaffZonePlaceholder });
  }
  return problems;
}

/** Validation field → sheet column, so that reasons name what the author sees. */
const FIELD_COLUMNS: Partial<Record<string, string>> = {
  kind: 'challenge_type',
  randomPlace: 'title/description',
  zones: 'zone',
  sectors: 'sector',
  biasSat: 'bias_sat',
  biasSun: 'bias_sun',
  walkingTime: 'walking_time',
  stationaryTime: 'stationary_time',
  additionalPoints: 'additional_points',
  repetitions: 'min_reps/max_reps',
  pointsPerRep: 'points_per_rep',
  stationDistance: 'station_distance',
  timeToHb: 'time_to_hb',
};

/** Upsert keys (ids and natural keys) must be unique; a repeat is refused, naming the first row. */
class UniqueKeys {
  private readonly lines = new Map<string, number>();

  /** Claims the row's keys, or reports which earlier row holds them. */
  claim(planned: PlannedChallenge, reader: RowReader): void {
    const claims: [string, string][] = [[planned.key, 'the same kind and name']];
    if (planned.id !== null) claims.push([`#${planned.id}`, 'the same id']);
    const taken = claims.filter(([key]) => this.lines.has(key));
    for (const [key, what] of taken) {
      const first = this.lines.get(key) ?? 0;
      reader.report(`${what} as line ${first} (an upsert key must be unique)`);
    }
    if (taken.length === 0) for (const [key] of claims) this.lines.set(key, planned.line);
  }
}
