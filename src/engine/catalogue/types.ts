/**
 * The engine's view of the global catalogue. The records' types are the protocol's (src/protocol/catalogue.ts
 * owns the vocabulary); what is here is the engine's own: the catalogue as maps, which statuses are
 * dealt, and the lenient parsing of kind and status names.
 */
import type { Challenge, ChallengeSet, Sector, Zone } from '../../protocol/catalogue.js';
import {
  CHALLENGE_KINDS,
  CHALLENGE_STATUSES,
  type ChallengeKind,
  type ChallengeStatus,
} from '../../protocol/vocabulary.js';

export { CHALLENGE_KINDS, CHALLENGE_STATUSES, RANDOM_PLACES } from '../../protocol/vocabulary.js';
export type {
  Challenge,
  ChallengeAction,
  ChallengeInput,
  ChallengeKind,
  ChallengeSet,
  ChallengeStatus,
  RandomPlace,
  RepetitionRange,
  Sector,
  SectorInput,
  Zone,
  ZoneInput,
} from '../../protocol/catalogue.js';

/** Statuses that generation may deal (CATALOGUE-2). */
export const PLAYABLE_STATUSES: readonly ChallengeStatus[] = ['Approved', 'Refactor'];

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
