import type { Catalogue } from '../engine/catalogue/types.js';
import type { PlannedSector } from './plan-types.js';

/** Neighbour links to add and remove, as pairs of sector letters. */
export interface LinkOps {
  link: [string, string][];
  unlink: [string, string][];
}

/**
 * The neighbour links that make the catalogue's sectors match the sheet: the sheet is authoritative for
 * the sectors it lists (docs/catalogue-import.md), so a listed sector gains the links it lacks and loses
 * the ones the sheet does not list (also links to sectors the sheet does not mention). Each unordered
 * pair appears once, letters in sheet order.
 */
export function linkOps(planned: readonly PlannedSector[], catalogue: Catalogue): LinkOps {
  const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const wanted = new Map<string, [string, string]>();
  for (const sector of planned) {
    for (const n of sector.neighbours)
      if (!wanted.has(pairKey(sector.name, n))) wanted.set(pairKey(sector.name, n), [sector.name, n]);
  }
  const nameOf = new Map([...catalogue.sectors.values()].map((s) => [s.id, s.name]));
  const stored = new Map([...catalogue.sectors.values()].map((s) => [s.name, s]));
  const current = new Map<string, [string, string]>();
  for (const sector of planned) {
    for (const id of stored.get(sector.name)?.neighbours ?? []) {
      const other = nameOf.get(id);
      if (other !== undefined && !current.has(pairKey(sector.name, other)))
        current.set(pairKey(sector.name, other), [sector.name, other]);
    }
  }
  return {
    link: [...wanted].filter(([key]) => !current.has(key)).map(([, pair]) => pair),
    unlink: [...current].filter(([key]) => !wanted.has(key)).map(([, pair]) => pair),
  };
}
