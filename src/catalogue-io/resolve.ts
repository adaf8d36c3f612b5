import type {
  Catalogue,
  Challenge,
  ChallengeInput,
  Sector,
  SectorInput,
  Zone,
  ZoneInput,
} from '../engine/catalogue/types.js';
import { TRANSLATION_LANGUAGES } from './columns.js';
import type { PlannedSector, PlannedTravel, PlannedZone, SheetChallenge } from './plan-types.js';

/**
 * Translation between the plan's stable keys (set name, zone number, sector letter) and the engine's
 * database ids. Key → id (`resolve*`) is for the engine applying a plan; id → key (`*Of`) is for diffing
 * and exporting. A key or id that does not resolve is a caller bug (the engine creates sets, sectors and
 * zones before what refers to them; a stored catalogue holds no dangling ids), so it throws.
 */

/** Look-ups between ids and keys for one catalogue snapshot. */
export interface CatalogueKeys {
  setName: (id: number) => string;
  setId: (name: string) => number;
  zoneNumber: (id: number) => number;
  zoneId: (number: number) => number;
  sectorName: (id: number) => string;
  sectorId: (name: string) => number;
}

/** Builds the id ↔ key look-ups of a catalogue. */
export function catalogueKeys(catalogue: Catalogue): CatalogueKeys {
  const byKey = <K>(entries: Iterable<[number, K]>): Map<K, number> =>
    new Map([...entries].map(([id, k]) => [k, id]));
  const setNames = new Map([...catalogue.sets.values()].map((s) => [s.id, s.name]));
  const zoneNumbers = new Map([...catalogue.zones.values()].map((z) => [z.id, z.number]));
  const sectorNames = new Map([...catalogue.sectors.values()].map((s) => [s.id, s.name]));
  const setIds = byKey(setNames);
  const zoneIds = byKey(zoneNumbers);
  const sectorIds = byKey(sectorNames);
  return {
    setName: (id) => must(setNames.get(id), `challenge set id ${id}`),
    setId: (name) => must(setIds.get(name), `challenge set "${name}"`),
    zoneNumber: (id) => must(zoneNumbers.get(id), `zone id ${id}`),
    zoneId: (number) => must(zoneIds.get(number), `zone ${number}`),
    sectorName: (id) => must(sectorNames.get(id), `sector id ${id}`),
    sectorId: (name) => must(sectorIds.get(name), `sector "${name}"`),
  };
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not in the catalogue`);
  return value;
}

/** A stored challenge as the sheet sees it: keys instead of ids, no action, only the sheet's languages. */
export function sheetChallengeOf(challenge: Challenge, keys: CatalogueKeys): SheetChallenge {
  return {
    ...omit(challenge, ['id', 'lastEdit', 'action']),
    sets: challenge.sets.map(keys.setName),
    zones: challenge.zones.map(keys.zoneNumber),
    sectors: challenge.sectors.map(keys.sectorName),
    translatedTitles: sheetLanguages(challenge.translatedTitles),
    translatedDescriptions: sheetLanguages(challenge.translatedDescriptions),
  };
}

/** A copy without the given keys. */
function omit<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

function sheetLanguages(texts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(texts).filter(([lang]) => isSheetLanguage(lang)));
}

const isSheetLanguage = (lang: string): boolean =>
  (TRANSLATION_LANGUAGES as readonly string[]).includes(lang);

/**
 * The record to store for a planned challenge. When it updates `existing`, what the sheet cannot express
 * is kept: the action (CATALOGUE-7) and translations in languages without a column.
 */
export function resolveChallenge(
  sheet: SheetChallenge,
  keys: CatalogueKeys,
  existing?: Challenge,
): ChallengeInput {
  const keep = (texts: Record<string, string> | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(texts ?? {}).filter(([lang]) => !isSheetLanguage(lang)));
  return {
    ...sheet,
    sets: sheet.sets.map(keys.setId),
    zones: sheet.zones.map(keys.zoneId),
    sectors: sheet.sectors.map(keys.sectorId),
    translatedTitles: { ...keep(existing?.translatedTitles), ...sheet.translatedTitles },
    translatedDescriptions: { ...keep(existing?.translatedDescriptions), ...sheet.translatedDescriptions },
    action: existing?.action ?? null,
  };
}

/** A stored zone as the sheet sees it (travel minutes are separate, see {@link travelOf}). */
export function plannedZoneOf(zone: Zone, keys: CatalogueKeys): PlannedZone {
  const { number, numConnZones, numConnections, trainThrough, mongus, sBahnZone } = zone;
  const closeSectors = zone.closeSectors.map(keys.sectorName);
  return { number, numConnZones, numConnections, trainThrough, mongus, sBahnZone, closeSectors };
}

/** The zone record to store; travel minutes are kept from `existing` (they are applied one by one). */
export function resolveZone(planned: PlannedZone, keys: CatalogueKeys, existing?: Zone): ZoneInput {
  return {
    ...planned,
    closeSectors: planned.closeSectors.map(keys.sectorId),
    minutesTo: existing?.minutesTo ?? {},
  };
}

/** The whole stored travel-minutes matrix by zone number, sorted by `from`, then `to`. */
export function travelOf(catalogue: Catalogue, keys: CatalogueKeys): PlannedTravel[] {
  const travel = [...catalogue.zones.values()].flatMap((zone) =>
    Object.entries(zone.minutesTo).map(([to, minutes]) => ({
      from: zone.number,
      to: keys.zoneNumber(Number(to)),
      minutes,
    })),
  );
  return travel.sort((a, b) => a.from - b.from || a.to - b.to);
}

/** A stored sector as the sheet sees it. */
export function plannedSectorOf(sector: Sector, keys: CatalogueKeys): PlannedSector {
  return { name: sector.name, neighbours: sector.neighbours.map(keys.sectorName) };
}

/** The sector record to store; every neighbour must exist already (create sectors first, then link). */
export function resolveSector(planned: PlannedSector, keys: CatalogueKeys): SectorInput {
  return { name: planned.name, neighbours: planned.neighbours.map(keys.sectorId) };
}
