import type { Catalogue } from '../engine/catalogue/types.js';

/** Look-ups from ids back to what people read (set names, zone numbers, sector letters). */
export interface Names {
  set: (id: number) => string;
  zone: (id: number) => string;
  sector: (id: number) => string;
}

/** Id → name look-ups of a catalogue; an id it does not know shows as `#id`. */
export function namesOf(catalogue: Catalogue): Names {
  return {
    set: (id) => catalogue.sets.get(id)?.name ?? `#${id}`,
    zone: (id) => String(catalogue.zones.get(id)?.number ?? `#${id}`),
    sector: (id) => catalogue.sectors.get(id)?.name ?? `#${id}`,
  };
}
