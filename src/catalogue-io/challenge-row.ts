import { parseChallengeKind, parseChallengeStatus } from '../engine/catalogue/types.js';
import { CHALLENGE_RULES } from '../engine/catalogue/validation.js';
import type { NumberRange } from './cells.js';
import { parseNameList, parseSectorLetters, parseZoneNumbers, randomPlaceOf } from './cells.js';
import { CHALLENGE_ID_COLUMN, TRANSLATION_LANGUAGES } from './columns.js';
import type { SheetChallenge } from './plan-types.js';
import type { RowReader } from './row-reader.js';

/** What the rows may refer to: set names (any case in the sheet), zone numbers, sector letters. */
export interface SheetReferences {
  readonly setNames: readonly string[];
  readonly zones: ReadonlySet<number>;
  readonly sectors: ReadonlySet<string>;
}

// Challenge ranges are the validation module's business (one source of truth); here a cell only has to
// be a number.
const ANY_NUMBER: NumberRange = { min: -Infinity, max: Infinity, integer: false };
const ID: NumberRange = { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true };

/** Reads the optional `id` column (our upsert key, see challenge-key.ts). */
export function readChallengeId(reader: RowReader): number | null {
  return reader.optionalNumber(CHALLENGE_ID_COLUMN, ID);
}

/**
 * Reads one challenge row into a {@link SheetChallenge}. Cells that mean nothing certain and unknown
 * sets, zones or sectors are recorded in `reader.problems`, never guessed around: the caller refuses the
 * row if there are any (the fallback values only fill the record of a refused row).
 */
export function readChallengeRow(reader: RowReader, refs: SheetReferences): SheetChallenge {
  const title = reader.text('title');
  const description = reader.text('description');
  return {
    kind: readKind(reader),
    status: readStatus(reader),
    ...readReferences(reader, refs),
    title,
    description,
    place: reader.text('place'),
    randomPlace: randomPlaceOf(title, description),
    comment: reader.text('comment') ?? '',
    ...readNumbers(reader),
    deadEnd: reader.bool('dead_end'),
    noDisembark: reader.bool('no_disembark'),
    fixed: reader.bool('fixed_points'),
    inPerimeterOverride: reader.optionalBool('in_perim'),
    translatedTitles: readTranslations(reader, 'title'),
    translatedDescriptions: readTranslations(reader, 'description'),
  };
}

/** Kinds and statuses parse in any case, underscores ignored (CATALOGUE-2), via the types module. */
function readKind(reader: RowReader): SheetChallenge['kind'] {
  const raw = reader.raw('challenge_type');
  const kind = parseChallengeKind(raw);
  if (kind === undefined) reader.report(unknownMessage('challenge_type', raw), CHALLENGE_RULES.unknownKind);
  return kind ?? 'Unspezifisch';
}

function readStatus(reader: RowReader): SheetChallenge['status'] {
  const raw = reader.raw('status');
  const status = parseChallengeStatus(raw);
  if (status === undefined) reader.report(unknownMessage('status', raw), CHALLENGE_RULES.unknownStatus);
  return status ?? 'ToSort';
}

const unknownMessage = (column: string, raw: string): string =>
  raw === '' ? `${column} is empty` : `unknown ${column} "${raw}"`;

/** Sets (case-insensitive, canonical spelling), zones and sectors, each checked against the tables. */
function readReferences(
  reader: RowReader,
  refs: SheetReferences,
): Pick<SheetChallenge, 'sets' | 'zones' | 'sectors'> {
  const sets: string[] = [];
  for (const name of parseNameList(reader.raw('sets'))) {
    const match = refs.setNames.find((known) => known.toLowerCase() === name.toLowerCase());
    if (match === undefined) reader.report(`unknown challenge set "${name}"`, CHALLENGE_RULES.unknownSet);
    else if (!sets.includes(match)) sets.push(match);
  }
  const zones = reader.take(parseZoneNumbers(reader.raw('zone'), 'zone'), []);
  for (const zone of zones.filter((z) => !refs.zones.has(z))) {
    reader.report(`zone ${zone} is not in the zone table`, CHALLENGE_RULES.unknownZone);
  }
  const sectors = reader.take(parseSectorLetters(reader.raw('sector'), 'sector'), []);
  for (const sector of sectors.filter((s) => !refs.sectors.has(s))) {
    reader.report(`sector ${sector} is not in the sector table`, CHALLENGE_RULES.unknownSector);
  }
  return { sets, zones, sectors };
}

type NumberFields =
  | 'kaffskala'
  | 'grade'
  | 'biasSat'
  | 'biasSun'
  | 'walkingTime'
  | 'stationaryTime'
  | 'additionalPoints'
  | 'repetitions'
  | 'pointsPerRep'
  | 'stationDistance'
  | 'timeToHb'
  | 'departures';

/** Numeric cells; empty ones take the reference defaults (biases 1.0, everything else 0). */
function readNumbers(reader: RowReader): Pick<SheetChallenge, NumberFields> {
  const num = (column: string, fallback = 0): number => reader.number(column, ANY_NUMBER, fallback);
  return {
    kaffskala: reader.optionalNumber('kaffskala', ANY_NUMBER),
    grade: reader.optionalNumber('grade', ANY_NUMBER),
    biasSat: num('bias_sat', 1),
    biasSun: num('bias_sun', 1),
    walkingTime: num('walking_time'),
    stationaryTime: num('stationary_time'),
    additionalPoints: num('additional_points'),
    repetitions: { min: num('min_reps'), max: num('max_reps') },
    pointsPerRep: num('points_per_rep'),
    stationDistance: num('station_distance'),
    timeToHb: num('time_to_hb'),
    departures: num('departures'),
  };
}

function readTranslations(reader: RowReader, what: 'title' | 'description'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lang of TRANSLATION_LANGUAGES) {
    const text = reader.text(`${what}_${lang}`);
    if (text !== null) out[lang] = text;
  }
  return out;
}
