/**
 * The global challenge/zone catalogue as plain, JSON-serialisable data (CATALOGUE-1).
 * Entities refer to each other by numeric database id; zone *numbers* (e.g. 110) are
 * only a property of a zone. Optional values are `null` (never `undefined`) so that records round-trip
 * through JSON unchanged.
 */

/** Challenge kinds (CATALOGUE-2). */
export const CHALLENGE_KINDS = [
  'Kaff',
  'Ortsspezifisch',
  'Regionsspezifisch',
  'Unspezifisch',
  'Zoneable',
  'ZKaff',
] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/** Editorial statuses (CATALOGUE-2). Only {@link PLAYABLE_STATUSES} are dealt to teams. */
export const CHALLENGE_STATUSES = [
  'Approved',
  'Edited',
  'Rejected',
  'Glorious',
  'ToSort',
  'Refactor',
] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

/** Statuses that generation may deal (CATALOGUE-2). */
export const PLAYABLE_STATUSES: readonly ChallengeStatus[] = ['Approved', 'Refactor'];

/** How the target zone of a random-place challenge is drawn at generation time (HAND-11). */
export const RANDOM_PLACES = ['Zone', 'SBahnZone'] as const;
export type RandomPlace = (typeof RANDOM_PLACES)[number];

/**
 * Special quirk of a challenge. Stored, validated and returned unchanged; no game effect (CATALOGUE-7).
 * `null` minutes mean "the drawn repetition count".
 */
export type ChallengeAction =
  | { readonly type: 'UncompletableMinutes'; readonly minutes: number | null }
  | { readonly type: 'Trap'; readonly stuckMinutes: number | null; readonly catcherMessage: string | null };

/** Inclusive repetition range (POINTS-10): a draw yields an integer in `[min, max]`, both included. */
export interface RepetitionRange {
  min: number;
  max: number;
}

/**
 * A raw catalogue entry (CATALOGUE-4). Units: times in minutes, `stationDistance` in metres, `departures` per
 * hour, `lastEdit` epoch milliseconds. `zones`, `sectors` and `sets` hold database ids.
 */
export interface Challenge {
  id: number;
  kind: ChallengeKind;
  /** Challenge-set ids (CATALOGUE-8). */
  sets: number[];
  status: ChallengeStatus;
  /** Player-facing title; may contain `%r`, `%z`, `%s` (HAND-12). */
  title: string | null;
  description: string | null;
  /** Station/village name of Kaff and ZKaff challenges; builds the automatic texts. */
  place: string | null;
  randomPlace: RandomPlace | null;
  /** Authors' internal note; never shown to players. */
  comment: string;
  /** Remoteness 1–6. */
  kaffskala: number | null;
  /** ÖV-Güteklasse 1–6. */
  grade: number | null;
  /** Zone ids where the challenge can be done. */
  zones: number[];
  /** Sector ids; the first one becomes the team's sector after completion. */
  sectors: number[];
  /** Points multiplier on Saturdays (in the session's time zone). */
  biasSat: number;
  /** Points multiplier on Sundays. */
  biasSun: number;
  /** Minutes of walking, 0–255. */
  walkingTime: number;
  /** Minutes of waiting, 0–255. */
  stationaryTime: number;
  /** Flat points, signed 16-bit. */
  additionalPoints: number;
  repetitions: RepetitionRange;
  /** Points per repetition, signed 16-bit. */
  pointsPerRep: number;
  /** ZKaff: metres from the nearest train station, 0–65535. */
  stationDistance: number;
  /** ZKaff: minutes to Zürich HB, 0–255. */
  timeToHb: number;
  /** ZKaff: departures per hour, 0–255. */
  departures: number;
  /** ZKaff: the stop can be left in one direction only. */
  deadEnd: boolean;
  /** Done without leaving the vehicle (title gets a 🛤️ prefix). */
  noDisembark: boolean;
  /** Points are exactly `additionalPoints + reps × pointsPerRep` (POINTS-8). */
  fixed: boolean;
  /** Stored only (CATALOGUE-7). */
  inPerimeterOverride: boolean | null;
  /** Language code → title; stored and returned, not used by generation (CATALOGUE-7). */
  translatedTitles: Record<string, string>;
  translatedDescriptions: Record<string, string>;
  action: ChallengeAction | null;
  /** Epoch ms of the last create/overwrite. */
  lastEdit: number;
}

/** What add/edit/import supply: a challenge without the store-assigned `id` and `lastEdit`. */
export type ChallengeInput = Omit<Challenge, 'id' | 'lastEdit'>;

/** A named catalogue subset; names are unique (CATALOGUE-8). */
export interface ChallengeSet {
  id: number;
  name: string;
}

/** A ZVV tariff zone with its metrics (CATALOGUE-9). */
export interface Zone {
  id: number;
  /** ZVV zone number, e.g. 110. */
  number: number;
  numConnZones: number;
  numConnections: number;
  trainThrough: boolean;
  mongus: boolean;
  sBahnZone: boolean;
  /** Target zone id → travel minutes (directed). Keys are zone ids (strings once in JSON). */
  minutesTo: Record<number, number>;
  /** Sector ids considered close to this zone. */
  closeSectors: number[];
}

export type ZoneInput = Omit<Zone, 'id'>;

/** A lettered sub-area of the centre zone. Neighbourhood is symmetric (CATALOGUE-10). */
export interface Sector {
  id: number;
  /** Exactly one character, normally a capital letter. */
  name: string;
  neighbours: number[];
}

export type SectorInput = Omit<Sector, 'id'>;

/** The whole read-only catalogue, each collection keyed by database id. Deleted entries are absent. */
export interface Catalogue {
  readonly challenges: ReadonlyMap<number, Challenge>;
  readonly sets: ReadonlyMap<number, ChallengeSet>;
  readonly zones: ReadonlyMap<number, Zone>;
  readonly sectors: ReadonlyMap<number, Sector>;
}

const normaliseName = (s: string): string => s.replaceAll('_', '').toLowerCase();

function parseName<T extends string>(names: readonly T[], raw: string): T | undefined {
  const wanted = normaliseName(raw.trim());
  return names.find((n) => normaliseName(n) === wanted);
}

/** Parses a kind case-insensitively, ignoring underscores (`z_kaff` → `ZKaff`); undefined if unknown. */
export function parseChallengeKind(raw: string): ChallengeKind | undefined {
  return parseName(CHALLENGE_KINDS, raw);
}

/** Parses a status case-insensitively, ignoring underscores (`to_sort` → `ToSort`); undefined if unknown. */
export function parseChallengeStatus(raw: string): ChallengeStatus | undefined {
  return parseName(CHALLENGE_STATUSES, raw);
}

/** Whether challenges with this status may be dealt to teams. */
export function isPlayableStatus(status: ChallengeStatus): boolean {
  return PLAYABLE_STATUSES.includes(status);
}
