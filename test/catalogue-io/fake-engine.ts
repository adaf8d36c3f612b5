import type { Catalogue, Challenge, ChallengeSet, Sector, Zone } from '../../src/engine/catalogue/types.js';
import type { ImportPlan } from '../../src/catalogue-io/index.js';
import {
  catalogueKeys,
  diffPlan,
  resolveChallenge,
  resolveSector,
  resolveZone,
} from '../../src/catalogue-io/index.js';

/** An empty catalogue. */
export function emptyCatalogue(): Catalogue {
  return { challenges: new Map(), sets: new Map(), zones: new Map(), sectors: new Map() };
}

interface Mutable {
  challenges: Map<number, Challenge>;
  sets: Map<number, ChallengeSet>;
  zones: Map<number, Zone>;
  sectors: Map<number, Sector>;
}

/**
 * Applies a plan the way an engine would (diff, then sets → sectors → zones → travel → challenges,
 * resolving keys after each step). Ids come from one counter that starts above every stored id, so they
 * are never reused (PROTOCOL-5). Pure: returns a new catalogue.
 */
export function applyPlan(plan: ImportPlan, catalogue: Catalogue = emptyCatalogue(), now = 0): Catalogue {
  const diff = diffPlan(plan, catalogue);
  const next: Mutable = {
    challenges: new Map(catalogue.challenges),
    sets: new Map(catalogue.sets),
    zones: new Map(catalogue.zones),
    sectors: new Map(catalogue.sectors),
  };
  const all = [next.challenges, next.sets, next.zones, next.sectors].flatMap((m) => [...m.keys()]);
  let lastId = Math.max(0, ...all);
  const newId = (): number => ++lastId;

  for (const name of diff.sets.creates) {
    const id = newId();
    next.sets.set(id, { id, name });
  }
  for (const sector of diff.sectors.creates) {
    const id = newId();
    next.sectors.set(id, { id, name: sector.name, neighbours: [] });
  }
  let keys = catalogueKeys(next);
  // Neighbours are linked once every sector exists (a new sector may neighbour another new one).
  for (const sector of [...diff.sectors.creates, ...diff.sectors.updates.map((u) => u.planned)]) {
    const id = keys.sectorId(sector.name);
    next.sectors.set(id, { id, ...resolveSector(sector, keys) });
  }
  for (const zone of diff.zones.creates) {
    const id = newId();
    next.zones.set(id, { id, ...resolveZone(zone, keys) });
  }
  for (const { id, planned } of diff.zones.updates) {
    next.zones.set(id, { id, ...resolveZone(planned, keys, next.zones.get(id)) });
  }
  keys = catalogueKeys(next);
  for (const travel of [...diff.travelMinutes.creates, ...diff.travelMinutes.updates]) {
    const from = next.zones.get(keys.zoneId(travel.from));
    if (from === undefined) throw new Error(`zone ${travel.from} missing`);
    next.zones.set(from.id, {
      ...from,
      minutesTo: { ...from.minutesTo, [keys.zoneId(travel.to)]: travel.minutes },
    });
  }
  for (const planned of diff.challenges.creates) {
    const id = newId();
    next.challenges.set(id, { id, lastEdit: now, ...resolveChallenge(planned.challenge, keys) });
  }
  for (const { id, planned } of diff.challenges.updates) {
    next.challenges.set(id, {
      id,
      lastEdit: now,
      ...resolveChallenge(planned.challenge, keys, next.challenges.get(id)),
    });
  }
  return next;
}
