import { readFileSync } from 'node:fs';
import type { CatalogueTables } from '../../src/catalogue-io/index.js';

/** The zvv-demo fixture (test/fixtures/zvv-demo, see its README). */
export const FIXTURE_DIR = new URL('../fixtures/zvv-demo/', import.meta.url);

/** The four fixture tables as read from disk. */
export function readFixtureTables(): CatalogueTables {
  const read = (name: string): string => readFileSync(new URL(`${name}.csv`, FIXTURE_DIR), 'utf8');
  return {
    challenges: read('challenges'),
    zones: read('zones'),
    distances: read('distances'),
    sectors: read('sectors'),
  };
}

/** The ten invalid rows of challenges.csv in the zvv-demo fixture (its README), as the import reports them. */
export const FIXTURE_INVALID_ROWS: readonly { line: number; reason: string; rule?: string }[] = [
  { line: 11, reason: 'Kaff needs a place (column place)', rule: 'kaff-needs-place' },
  { line: 18, reason: 'empty boolean cell in no_disembark (write true or false)' },
  { line: 25, reason: 'zone 119 is not in the zone table', rule: 'unknown-zone' },
  { line: 33, reason: 'kaffskala "vier" is not a number' },
  {
    line: 52,
    reason: 'Ortsspezifisch without a random place needs a grade (column grade)',
    rule: 'located-needs-grade',
  },
  {
    line: 75,
    reason: 'Regionsspezifisch needs a description (column description)',
    rule: 'needs-description',
  },
  { line: 84, reason: 'a challenge must belong to at least one set (column sets)', rule: 'needs-set' },
  {
    line: 93,
    reason: 'only Kaff and ZKaff challenges may have a place (column place)',
    rule: 'place-only-kaff-zkaff',
  },
  {
    line: 119,
    reason: 'only Ortsspezifisch may have a random place (column title/description)',
    rule: 'random-place-only-ortsspezifisch',
  },
  {
    line: 136,
    reason: 'ZKaff needs a non-zero station distance (column station_distance)',
    rule: 'zkaff-needs-station-distance',
  },
];
