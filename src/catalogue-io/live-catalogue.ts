import type { Catalogue } from '../engine/catalogue/types.js';
import type { AnyCommandInput, ResultOf } from '../protocol/commands/index.js';

/**
 * Whatever sends the import's commands to the engine and answers with their typed results: the CLI's
 * client, or the dashboard's admin connection in a browser. A refusal rejects with an error carrying
 * the protocol's error `code` (and `details`), as the client library's `TruinlagError` does.
 */
export interface CatalogueRequester {
  request<C extends AnyCommandInput>(command: C): Promise<ResultOf<C['type']>>;
}

/** The whole live catalogue, read with the four list commands (sent together, answered in one turn). */
export async function fetchCatalogue(requester: CatalogueRequester): Promise<Catalogue> {
  const [sets, sectors, zones, challenges] = await Promise.all([
    requester.request({ type: 'set.list' }),
    requester.request({ type: 'sector.list' }),
    requester.request({ type: 'zone.list' }),
    requester.request({ type: 'challenge.list' }),
  ]);
  return { sets: byId(sets), sectors: byId(sectors), zones: byId(zones), challenges: byId(challenges) };
}

/** Rows by their id. */
export function byId<T extends { id: number }>(rows: readonly T[]): ReadonlyMap<number, T> {
  return new Map(rows.map((row) => [row.id, row]));
}
