import { resolve } from 'node:path';
import { fetchCatalogue, writeCatalogueTables } from '../../catalogue-io/index.js';
import type { GlobalOptions } from '../connection.js';
import { printResult } from '../output.js';
import { withClient } from './live.js';
import { writeTableFiles } from './tables.js';

/**
 * `truinlag export DIR` (a target not ending in `.json`): the live catalogue of the running server as the
 * four reference CSV tables, written into DIR (created if needed; existing files are replaced).
 */
export async function exportCatalogueCommand(dir: string, globals: GlobalOptions): Promise<void> {
  const catalogue = await withClient(globals, fetchCatalogue);
  const files = writeTableFiles(resolve(dir), writeCatalogueTables(catalogue));
  printResult(
    {
      dir: resolve(dir),
      files,
      challenges: catalogue.challenges.size,
      sets: catalogue.sets.size,
      zones: catalogue.zones.size,
      sectors: catalogue.sectors.size,
    },
    globals.json === true,
  );
}
