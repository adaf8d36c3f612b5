import { stringify } from 'csv-stringify/sync';
import type { Catalogue, ChallengeKind } from '../engine/catalogue/types.js';
import {
  CHALLENGE_COLUMNS,
  CHALLENGE_ID_COLUMN,
  DISTANCE_COLUMNS,
  SECTOR_COLUMNS,
  TRANSLATION_LANGUAGES,
  ZONE_COLUMNS,
  ZONE_SBAHN_COLUMN,
} from './columns.js';
import type { CatalogueTables } from './parse-tables.js';
import type { SheetChallenge } from './plan-types.js';
import type { CatalogueKeys } from './resolve.js';
import { catalogueKeys, plannedSectorOf, plannedZoneOf, sheetChallengeOf, travelOf } from './resolve.js';

/**
 * Writes the catalogue as the four reference tables (IMPORT-5), so that parse → apply → write → parse is a
 * fixed point. Layout: the reference columns in the reference order, then our additions (`id` on
 * challenges, `s_bahn_zone` on zones). Challenges and sectors are in id order, zones and travel minutes
 * by zone number. Every value is written out (no blank-means-default), kinds in the authors' style
 * (`z_kaff`), statuses as named in CATALOGUE-2. Actions have no column and are not exported.
 */
export function writeCatalogueTables(catalogue: Catalogue): CatalogueTables {
  const keys = catalogueKeys(catalogue);
  return {
    challenges: writeChallenges(catalogue, keys),
    zones: writeZones(catalogue, keys),
    distances: csv([DISTANCE_COLUMNS, ...travelOf(catalogue, keys).map((t) => [t.from, t.to, t.minutes])]),
    sectors: csv([
      SECTOR_COLUMNS,
      ...byId(catalogue.sectors).map((s) => {
        const planned = plannedSectorOf(s, keys);
        return [planned.name, planned.neighbours.join('')];
      }),
    ]),
  };
}

function csv(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], { cast: { boolean: (value) => String(value) } });
}

function byId<T extends { id: number }>(entities: ReadonlyMap<number, T>): T[] {
  return [...entities.values()].sort((a, b) => a.id - b.id);
}

function writeZones(catalogue: Catalogue, keys: CatalogueKeys): string {
  const zones = [...catalogue.zones.values()].sort((a, b) => a.number - b.number);
  const rows = zones.map((zone) => {
    const z = plannedZoneOf(zone, keys);
    return [
      z.number,
      z.numConnZones,
      z.numConnections,
      z.trainThrough,
      z.mongus,
      z.closeSectors.join(''),
      z.sBahnZone,
    ];
  });
  return csv([[...ZONE_COLUMNS, ZONE_SBAHN_COLUMN], ...rows]);
}

function writeChallenges(catalogue: Catalogue, keys: CatalogueKeys): string {
  const rows = byId(catalogue.challenges).map((challenge) => {
    const cells = challengeCells(sheetChallengeOf(challenge, keys));
    return [...CHALLENGE_COLUMNS.map((column) => cells[column] ?? ''), challenge.id];
  });
  return csv([[...CHALLENGE_COLUMNS, CHALLENGE_ID_COLUMN], ...rows]);
}

type Cell = string | number | boolean;

/** One challenge as cells by column name. */
function challengeCells(c: SheetChallenge): Record<string, Cell> {
  const text = (value: string | null): string => value ?? '';
  const optional = (value: number | boolean | null): Cell => value ?? '';
  const translations = (
    what: 'title' | 'description',
    texts: Record<string, string>,
  ): Record<string, string> =>
    Object.fromEntries(TRANSLATION_LANGUAGES.map((lang) => [`${what}_${lang}`, texts[lang] ?? '']));
  return {
    status: c.status,
    challenge_type: sheetKindName(c.kind),
    sets: c.sets.join(','),
    title: text(c.title),
    description: text(c.description),
    place: text(c.place),
    zone: zoneCell(c),
    sector: c.sectors.join(''),
    kaffskala: optional(c.kaffskala),
    grade: optional(c.grade),
    bias_sat: c.biasSat,
    bias_sun: c.biasSun,
    walking_time: c.walkingTime,
    stationary_time: c.stationaryTime,
    additional_points: c.additionalPoints,
    min_reps: c.repetitions.min,
    max_reps: c.repetitions.max,
    points_per_rep: c.pointsPerRep,
    station_distance: c.stationDistance,
    time_to_hb: c.timeToHb,
    departures: c.departures,
    dead_end: c.deadEnd,
    no_disembark: c.noDisembark,
    fixed_points: c.fixed,
    in_perim: optional(c.inPerimeterOverride),
    comment: c.comment,
    ...translations('title', c.translatedTitles),
    ...translations('description', c.translatedDescriptions),
  };
}

/** Zone numbers, or the sheet's `%z`/`%s` marker for a random-place challenge without fixed zones. */
function zoneCell(c: SheetChallenge): string {
  if (c.zones.length > 0 || c.randomPlace === null) return c.zones.join(',');
  return c.randomPlace === 'Zone' ? '%z' : '%s';
}

/** `ZKaff` → `z_kaff`, `Ortsspezifisch` → `ortsspezifisch`: the spelling of the authors' sheet. */
function sheetKindName(kind: ChallengeKind): string {
  return kind.replace(/(?<=.)([A-Z])/g, '_$1').toLowerCase();
}
