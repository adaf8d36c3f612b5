import type { Catalogue, Challenge } from '../engine/catalogue/types.js';
import { naturalKey } from './challenge-key.js';
import type { RejectedRow } from './csv-table.js';
import type {
  ImportPlan,
  PlannedChallenge,
  PlannedSector,
  PlannedTravel,
  PlannedZone,
} from './plan-types.js';
import type { CatalogueKeys } from './resolve.js';
import { catalogueKeys, plannedSectorOf, plannedZoneOf, sheetChallengeOf } from './resolve.js';
import { sameData } from './same-data.js';

/** A planned record matched to the stored entity with this id. */
export interface Match<T> {
  id: number;
  planned: T;
}

/** What an upsert does to one kind of entity; nothing is ever deleted. */
export interface EntityDiff<T> {
  creates: T[];
  updates: Match<T>[];
  unchanged: Match<T>[];
}

/** Travel minutes are keyed by their (from, to) zone numbers, so they need no id. */
export interface TravelDiff {
  creates: PlannedTravel[];
  updates: PlannedTravel[];
  unchanged: PlannedTravel[];
}

/** The effect of applying a plan to a catalogue (IMPORT-4: idempotent upsert, with a dry run). */
export interface PlanDiff {
  sets: EntityDiff<string>;
  sectors: EntityDiff<PlannedSector>;
  zones: EntityDiff<PlannedZone>;
  travelMinutes: TravelDiff;
  challenges: EntityDiff<PlannedChallenge>;
  /** Challenge rows whose catalogue match is ambiguous; they are neither created nor updated. */
  rejected: RejectedRow[];
}

/**
 * Compares a plan with the current catalogue; pure. Sets, sectors and zones match by name / letter /
 * number; challenges by `id` when the catalogue has it, else by natural key (challenge-key.ts). Lists
 * whose order carries no meaning (set membership, sector neighbours, close sectors) compare as sets.
 * An engine applies the result in order: sets, sectors (create, then link neighbours), zones, travel
 * minutes, challenges — resolving keys to ids with `resolve.ts` after each step.
 */
export function diffPlan(plan: ImportPlan, catalogue: Catalogue): PlanDiff {
  const keys = catalogueKeys(catalogue);
  const setIds = new Map([...catalogue.sets.values()].map((s) => [s.name, s.id]));
  const sectorIds = new Map([...catalogue.sectors.values()].map((s) => [s.name, s.id]));
  const zoneIds = new Map([...catalogue.zones.values()].map((z) => [z.number, z.id]));
  const challenges = diffChallenges(plan.challenges, catalogue, keys);
  return {
    sets: diffEntities(
      plan.sets,
      (name) => setIds.get(name),
      () => true,
    ),
    sectors: diffEntities(
      plan.sectors,
      (s) => sectorIds.get(s.name),
      (s, id) => sameSector(s, plannedSectorOf(must(catalogue.sectors.get(id)), keys)),
    ),
    zones: diffEntities(
      plan.zones,
      (z) => zoneIds.get(z.number),
      (z, id) => sameZone(z, plannedZoneOf(must(catalogue.zones.get(id)), keys)),
    ),
    travelMinutes: diffTravel(plan.travelMinutes, catalogue, zoneIds),
    challenges: challenges.diff,
    rejected: challenges.rejected,
  };
}

/** Whether applying the diff would change nothing. */
export function isUnchanged(diff: PlanDiff): boolean {
  const parts = [diff.sets, diff.sectors, diff.zones, diff.travelMinutes, diff.challenges];
  return parts.every((part) => part.creates.length === 0 && part.updates.length === 0);
}

function diffEntities<T>(
  planned: readonly T[],
  idOf: (item: T) => number | undefined,
  same: (item: T, id: number) => boolean,
): EntityDiff<T> {
  const diff: EntityDiff<T> = { creates: [], updates: [], unchanged: [] };
  for (const item of planned) {
    const id = idOf(item);
    if (id === undefined) diff.creates.push(item);
    else (same(item, id) ? diff.unchanged : diff.updates).push({ id, planned: item });
  }
  return diff;
}

const asSet = (items: readonly string[]): string[] => [...new Set(items)].sort();

function sameSector(a: PlannedSector, b: PlannedSector): boolean {
  return sameData(asSet(a.neighbours), asSet(b.neighbours));
}

function sameZone(a: PlannedZone, b: PlannedZone): boolean {
  return sameData(
    { ...a, closeSectors: asSet(a.closeSectors) },
    { ...b, closeSectors: asSet(b.closeSectors) },
  );
}

function diffTravel(
  planned: readonly PlannedTravel[],
  catalogue: Catalogue,
  zoneIds: Map<number, number>,
): TravelDiff {
  const diff: TravelDiff = { creates: [], updates: [], unchanged: [] };
  for (const travel of planned) {
    const from = catalogue.zones.get(zoneIds.get(travel.from) ?? -1);
    const to = zoneIds.get(travel.to);
    const current = from === undefined || to === undefined ? undefined : from.minutesTo[to];
    if (current === undefined) diff.creates.push(travel);
    else (current === travel.minutes ? diff.unchanged : diff.updates).push(travel);
  }
  return diff;
}

function diffChallenges(
  planned: readonly PlannedChallenge[],
  catalogue: Catalogue,
  keys: CatalogueKeys,
): { diff: EntityDiff<PlannedChallenge>; rejected: RejectedRow[] } {
  const byKey = new Map<string, number[]>();
  for (const challenge of catalogue.challenges.values()) {
    const key = naturalKey(challenge);
    if (key !== null) byKey.set(key, [...(byKey.get(key) ?? []), challenge.id]);
  }
  const claimedBy = new Map<number, number>();
  const rejected: RejectedRow[] = [];
  const matchable: PlannedChallenge[] = [];
  // Rows naming a stored id claim their challenge first: an id is a stronger match than a name.
  const hasStoredId = (row: PlannedChallenge): boolean => row.id !== null && catalogue.challenges.has(row.id);
  for (const row of [...planned.filter(hasStoredId), ...planned.filter((row) => !hasStoredId(row))]) {
    const problem = matchProblem(row, catalogue, byKey, claimedBy);
    if (problem === null) matchable.push(row);
    else rejected.push({ table: 'challenges', line: row.line, reason: problem });
  }
  const byLine = (a: { line: number }, b: { line: number }): number => a.line - b.line;
  rejected.sort(byLine);
  const diff = diffEntities(
    matchable.sort(byLine),
    (row) => matchOf(row, catalogue, byKey),
    (row, id) => sameChallenge(row, must(catalogue.challenges.get(id)), keys),
  );
  return { diff, rejected };
}

/** The stored challenge a row updates: its `id` if stored, else the single one with its natural key. */
function matchOf(
  row: PlannedChallenge,
  catalogue: Catalogue,
  byKey: Map<string, number[]>,
): number | undefined {
  if (row.id !== null && catalogue.challenges.has(row.id)) return row.id;
  const ids = byKey.get(row.key) ?? [];
  return ids.length === 1 ? ids[0] : undefined;
}

/** Why a row cannot be matched safely, or null; records the row's claim on its match. */
function matchProblem(
  row: PlannedChallenge,
  catalogue: Catalogue,
  byKey: Map<string, number[]>,
  claimedBy: Map<number, number>,
): string | null {
  const ids = byKey.get(row.key) ?? [];
  if (!(row.id !== null && catalogue.challenges.has(row.id)) && ids.length > 1) {
    return `matches challenges ${ids.join(', ')} by kind and name; add their ids in an id column`;
  }
  const id = matchOf(row, catalogue, byKey);
  if (id === undefined) return null;
  const first = claimedBy.get(id);
  if (first !== undefined) return `updates the same challenge ${id} as line ${first}`;
  claimedBy.set(id, row.line);
  return null;
}

function sameChallenge(row: PlannedChallenge, stored: Challenge, keys: CatalogueKeys): boolean {
  const canonical = (c: PlannedChallenge['challenge']): object => ({ ...c, sets: asSet(c.sets) });
  return sameData(canonical(row.challenge), canonical(sheetChallengeOf(stored, keys)));
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('catalogue entity vanished while diffing');
  return value;
}
