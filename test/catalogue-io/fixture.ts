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
