/**
 * Validity rules for catalogue entities (CATALOGUE-3 to CATALOGUE-6, CATALOGUE-8 to CATALOGUE-10).
 * Every function is pure and returns all violations found; an empty list means valid. Rule codes are
 * stable strings, surfaced through the protocol as typed errors.
 *
 * Decision (CATALOGUE-6): the reference calls ToSort "always valid". We read that as: ToSort skips the
 * *completeness* rules (needs set/place/kaffskala/…/title, importer content rules) because the authors
 * have not finished the entry — but the *structural* checks (known kind/status, numeric ranges, integer
 * fields, min ≤ max repetitions, existing set/zone/sector references) apply to every record, since the
 * store must never hold out-of-range numbers or dangling references.
 *
 * The Python bot's stricter rules (non-Kaff kinds must not carry kaffskala/grade/zone, …) are not
 * adopted: the reference engine and importer accept such rows and Ortsspezifisch relies on them.
 */
import {
  CHALLENGE_KINDS,
  CHALLENGE_STATUSES,
  RANDOM_PLACES,
  type ChallengeInput,
  type ChallengeSet,
  type Sector,
  type SectorInput,
  type Zone,
  type ZoneInput,
} from './types.js';

/** One broken rule. `field` names the offending (camelCase) field. */
export interface Violation {
  rule: string;
  field: string;
  message: string;
}

/** Anything that can answer "does an entity with this id exist" (a ReadonlyMap or ReadonlySet fits). */
export interface IdLookup {
  has(id: number): boolean;
}

/** The ids a challenge may refer to (a {@link Catalogue} fits). */
export interface ChallengeReferences {
  readonly sets: IdLookup;
  readonly zones: IdLookup;
  readonly sectors: IdLookup;
}

/** Stable codes of the challenge rules. */
export const CHALLENGE_RULES = {
  unknownKind: 'unknown-kind',
  unknownStatus: 'unknown-status',
  unknownRandomPlace: 'unknown-random-place',
  outOfRange: 'out-of-range',
  repetitionsOrder: 'repetitions-min-above-max',
  unknownSet: 'unknown-set',
  unknownZone: 'unknown-zone',
  unknownSector: 'unknown-sector',
  needsSet: 'needs-set',
  kaffNeedsPlace: 'kaff-needs-place',
  zkaffNeedsPlace: 'zkaff-needs-place',
  needsKaffskala: 'located-needs-kaffskala',
  needsGrade: 'located-needs-grade',
  needsZone: 'located-needs-zone',
  zkaffNeedsStationDistance: 'zkaff-needs-station-distance',
  zkaffNeedsTimeToHb: 'zkaff-needs-time-to-hb',
  needsTitle: 'needs-title',
  needsDescription: 'needs-description',
  randomPlaceOnlyOrtsspezifisch: 'random-place-only-ortsspezifisch',
  placeOnlyKaff: 'place-only-kaff-zkaff',
  kaffZonePlaceholder: 'kaff-no-zone-placeholder',
} as const;
export type ChallengeRule = (typeof CHALLENGE_RULES)[keyof typeof CHALLENGE_RULES];

const R = CHALLENGE_RULES;

/** Stable codes of the zone, sector and set rules (plus the shared `out-of-range`/`unknown-*` codes). */
export const ENTITY_RULES = {
  duplicateZoneNumber: 'duplicate-zone-number',
  sectorNameOneChar: 'sector-name-one-char',
  duplicateSectorName: 'duplicate-sector-name',
  sectorSelfNeighbour: 'sector-self-neighbour',
  setNameRequired: 'set-name-required',
  duplicateSetName: 'duplicate-set-name',
} as const;

const E = ENTITY_RULES;

const v = (rule: string, field: string, message: string): Violation => ({ rule, field, message });

/** Integer (or, with `integer: false`, finite number) within [min, max]; otherwise a violation. */
function inRange(field: string, value: number, min: number, max: number, integer = true): Violation[] {
  const ok = Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max;
  if (ok) return [];
  const what = integer ? 'an integer' : 'a number';
  return [v(R.outOfRange, field, `${field} must be ${what} in ${min}–${max}, got ${value}`)];
}

const hasText = (s: string | null): boolean => s !== null && s.trim() !== '';

function checkEnums(c: ChallengeInput): Violation[] {
  const out: Violation[] = [];
  if (!CHALLENGE_KINDS.includes(c.kind))
    out.push(v(R.unknownKind, 'kind', `unknown kind "${String(c.kind)}"`));
  if (!CHALLENGE_STATUSES.includes(c.status)) {
    out.push(v(R.unknownStatus, 'status', `unknown status "${String(c.status)}"`));
  }
  if (c.randomPlace !== null && !RANDOM_PLACES.includes(c.randomPlace)) {
    out.push(v(R.unknownRandomPlace, 'randomPlace', `unknown random place "${String(c.randomPlace)}"`));
  }
  return out;
}

function checkAction(c: ChallengeInput): Violation[] {
  const a = c.action;
  if (a === null) return [];
  const minutes = a.type === 'Trap' ? a.stuckMinutes : a.minutes;
  return minutes === null ? [] : inRange('action', minutes, 0, 24 * 60);
}

/** Field ranges of CATALOGUE-4 (kaffskala/grade 1–6, non-negative counts, 16-bit signed points, …). */
function checkNumbers(c: ChallengeInput): Violation[] {
  const out = [
    ...(c.kaffskala === null ? [] : inRange('kaffskala', c.kaffskala, 1, 6)),
    ...(c.grade === null ? [] : inRange('grade', c.grade, 1, 6)),
    ...inRange('biasSat', c.biasSat, 0, 100, false),
    ...inRange('biasSun', c.biasSun, 0, 100, false),
    ...inRange('walkingTime', c.walkingTime, 0, 255),
    ...inRange('stationaryTime', c.stationaryTime, 0, 255),
    ...inRange('additionalPoints', c.additionalPoints, -32768, 32767),
    ...inRange('pointsPerRep', c.pointsPerRep, -32768, 32767),
    ...inRange('repetitions', c.repetitions.min, 0, 65535),
    ...inRange('repetitions', c.repetitions.max, 0, 65535),
    ...inRange('stationDistance', c.stationDistance, 0, 65535),
    ...inRange('timeToHb', c.timeToHb, 0, 255),
    ...inRange('departures', c.departures, 0, 255),
    ...checkAction(c),
  ];
  if (c.repetitions.min > c.repetitions.max) {
    out.push(
      v(
        R.repetitionsOrder,
        'repetitions',
        `min repetitions ${c.repetitions.min} exceed max ${c.repetitions.max}`,
      ),
    );
  }
  return out;
}

function checkReferences(c: ChallengeInput, refs: ChallengeReferences): Violation[] {
  const missing = (ids: readonly number[], lookup: IdLookup): number[] => ids.filter((id) => !lookup.has(id));
  return [
    ...missing(c.sets, refs.sets).map((id) => v(R.unknownSet, 'sets', `challenge set ${id} does not exist`)),
    ...missing(c.zones, refs.zones).map((id) => v(R.unknownZone, 'zones', `zone ${id} does not exist`)),
    ...missing(c.sectors, refs.sectors).map((id) =>
      v(R.unknownSector, 'sectors', `sector ${id} does not exist`),
    ),
  ];
}

/** The completeness rules of CATALOGUE-5, the reference importer's content rules included. */
function checkCompleteness(c: ChallengeInput): Violation[] {
  const out: Violation[] = [];
  const placeKind = c.kind === 'Kaff' || c.kind === 'ZKaff';
  if (c.sets.length === 0) out.push(v(R.needsSet, 'sets', 'a challenge must belong to at least one set'));
  if (placeKind && !hasText(c.place)) {
    out.push(v(c.kind === 'Kaff' ? R.kaffNeedsPlace : R.zkaffNeedsPlace, 'place', `${c.kind} needs a place`));
  }
  if ((c.kind === 'Kaff' || c.kind === 'Ortsspezifisch') && c.randomPlace === null) {
    const why = `${c.kind} without a random place`;
    if (c.kaffskala === null) out.push(v(R.needsKaffskala, 'kaffskala', `${why} needs a kaffskala`));
    if (c.grade === null) out.push(v(R.needsGrade, 'grade', `${why} needs a grade`));
    if (c.zones.length === 0) out.push(v(R.needsZone, 'zones', `${why} needs at least one zone`));
  }
  if (c.kind === 'ZKaff') {
    if (c.stationDistance === 0) {
      out.push(v(R.zkaffNeedsStationDistance, 'stationDistance', 'ZKaff needs a non-zero station distance'));
    }
    if (c.timeToHb === 0) out.push(v(R.zkaffNeedsTimeToHb, 'timeToHb', 'ZKaff needs a non-zero time to HB'));
  }
  if (!placeKind) {
    if (!hasText(c.title)) out.push(v(R.needsTitle, 'title', `${c.kind} needs a title`));
    if (!hasText(c.description))
      out.push(v(R.needsDescription, 'description', `${c.kind} needs a description`));
    if (hasText(c.place))
      out.push(v(R.placeOnlyKaff, 'place', 'only Kaff and ZKaff challenges may have a place'));
  }
  if (c.randomPlace !== null && c.kind !== 'Ortsspezifisch') {
    out.push(
      v(R.randomPlaceOnlyOrtsspezifisch, 'randomPlace', 'only Ortsspezifisch may have a random place'),
    );
  }
  if (placeKind && [c.title, c.description].some((t) => t !== null && /%[zs]/.test(t))) {
    out.push(v(R.kaffZonePlaceholder, 'title', `${c.kind} texts must not contain %z or %s`));
  }
  return out;
}

/**
 * Validates a challenge record against CATALOGUE-4 and CATALOGUE-5, resolving set, zone and
 * sector ids through `refs`. ToSort records get the structural checks only (see the module comment).
 */
export function validateChallenge(challenge: ChallengeInput, refs: ChallengeReferences): Violation[] {
  const structural = [
    ...checkEnums(challenge),
    ...checkNumbers(challenge),
    ...checkReferences(challenge, refs),
  ];
  return challenge.status === 'ToSort' ? structural : [...structural, ...checkCompleteness(challenge)];
}

/** What a zone may refer to. `zones` holds full records so that zone numbers can be checked for clashes. */
export interface ZoneReferences {
  readonly zones: ReadonlyMap<number, Zone>;
  readonly sectors: IdLookup;
}

/**
 * Validates a zone: non-negative integer metrics, a unique zone number, travel minutes that are finite,
 * non-negative and point at existing zones (or at the zone itself, `selfId`), existing close sectors.
 * `selfId` is the zone's own id when it is being edited (absent for a new zone).
 */
export function validateZone(zone: ZoneInput, refs: ZoneReferences, selfId?: number): Violation[] {
  const out = [
    ...inRange('number', zone.number, 0, 999),
    ...inRange('numConnZones', zone.numConnZones, 0, 1000),
    ...inRange('numConnections', zone.numConnections, 0, 100000),
  ];
  for (const other of refs.zones.values()) {
    if (other.id !== selfId && other.number === zone.number) {
      out.push(
        v(E.duplicateZoneNumber, 'number', `zone number ${zone.number} is already used by zone ${other.id}`),
      );
    }
  }
  for (const [key, minutes] of Object.entries(zone.minutesTo)) {
    const target = Number(key);
    if (!Number.isInteger(target) || (target !== selfId && !refs.zones.has(target))) {
      out.push(v(R.unknownZone, 'minutesTo', `travel minutes refer to unknown zone ${key}`));
    }
    out.push(...inRange('minutesTo', minutes, 0, 24 * 60, false));
  }
  for (const id of zone.closeSectors) {
    if (!refs.sectors.has(id)) out.push(v(R.unknownSector, 'closeSectors', `sector ${id} does not exist`));
  }
  return out;
}

/**
 * Validates a sector: a one-character, non-blank name unique among `sectors`, and neighbours that exist
 * and are not the sector itself. `selfId` is the sector's own id when it is being edited.
 */
export function validateSector(
  sector: SectorInput,
  sectors: ReadonlyMap<number, Sector>,
  selfId?: number,
): Violation[] {
  const out: Violation[] = [];
  if ([...sector.name].length !== 1 || sector.name.trim() === '') {
    out.push(v(E.sectorNameOneChar, 'name', `a sector name is exactly one character, got "${sector.name}"`));
  }
  for (const other of sectors.values()) {
    if (other.id !== selfId && other.name === sector.name) {
      out.push(v(E.duplicateSectorName, 'name', `sector name "${sector.name}" is already used`));
    }
  }
  for (const id of sector.neighbours) {
    if (id === selfId) out.push(v(E.sectorSelfNeighbour, 'neighbours', 'a sector cannot neighbour itself'));
    else if (!sectors.has(id)) out.push(v(R.unknownSector, 'neighbours', `sector ${id} does not exist`));
  }
  return out;
}

/** Validates a challenge set: a non-blank name, unique among `sets`. */
export function validateChallengeSet(
  set: Omit<ChallengeSet, 'id'>,
  sets: ReadonlyMap<number, ChallengeSet>,
  selfId?: number,
): Violation[] {
  if (set.name.trim() === '') return [v(E.setNameRequired, 'name', 'a challenge set needs a name')];
  const clash = [...sets.values()].some((s) => s.id !== selfId && s.name === set.name);
  return clash ? [v(E.duplicateSetName, 'name', `challenge set "${set.name}" already exists`)] : [];
}
