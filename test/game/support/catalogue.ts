import { readFileSync } from 'node:fs';
import { catalogueKeys, parseCatalogueTables, resolveChallenge } from '../../../src/catalogue-io/index.js';
import type {
  Catalogue,
  Challenge,
  ChallengeSet,
  Sector,
  Zone,
} from '../../../src/engine/catalogue/types.js';
import type { Command } from '../../../src/protocol/commands/index.js';
import type { GameDriver, Reply } from './drivers.js';
import { found } from '../../helpers/index.js';

/** The zvv-demo fixture (test/fixtures/zvv-demo, see its README). */
const FIXTURE_DIR = new URL('../../fixtures/zvv-demo/', import.meta.url);

const read = (name: string): string => readFileSync(new URL(`${name}.csv`, FIXTURE_DIR), 'utf8');

function results<T>(replies: readonly Reply[], what: string): T[] {
  return replies.map((reply, i) => {
    if (!reply.ok) throw new Error(`${what} #${i} refused: ${JSON.stringify(reply.error)}`);
    return reply.result as T;
  });
}

const admin = (command: Command): { command: Command } => ({ command });

/**
 * Builds the demo catalogue through the engine's own commands, in the importer's order (sets → sectors →
 * neighbour links → zones → close sectors → travel minutes → challenges): the state is made by the engine,
 * not written behind its back. Returns the catalogue as the engine stored it.
 */
export async function buildDemoCatalogue(driver: GameDriver): Promise<Catalogue> {
  const plan = parseCatalogueTables({
    challenges: read('challenges'),
    zones: read('zones'),
    distances: read('distances'),
    sectors: read('sectors'),
  });
  const sets = results<ChallengeSet>(
    await driver.callAll(plan.sets.map((name) => admin({ type: 'set.add', name }))),
    'set.add',
  );
  const sectors = results<Sector>(
    await driver.callAll(plan.sectors.map((s) => admin({ type: 'sector.add', name: s.name }))),
    'sector.add',
  );
  const sectorId = new Map(sectors.map((s) => [s.name, s.id]));
  const idOfSector = (name: string): number => found(sectorId.get(name), `sector ${name}`);
  const links: { a: number; b: number }[] = [];
  for (const sector of plan.sectors) {
    for (const neighbour of sector.neighbours) {
      if (sector.name < neighbour) links.push({ a: idOfSector(sector.name), b: idOfSector(neighbour) });
    }
  }
  results(await driver.callAll(links.map((l) => admin({ type: 'sector.link', ...l }))), 'sector.link');
  const zones = results<Zone>(
    await driver.callAll(
      plan.zones.map((z) =>
        admin({
          type: 'zone.add',
          zone: {
            number: z.number,
            numConnZones: z.numConnZones,
            numConnections: z.numConnections,
            trainThrough: z.trainThrough,
            mongus: z.mongus,
            sBahnZone: z.sBahnZone,
            minutesTo: {},
            closeSectors: [],
          },
        }),
      ),
    ),
    'zone.add',
  );
  const zoneId = new Map(zones.map((z) => [z.number, z.id]));
  const zoneOf = (n: number): number => found(zoneId.get(n), `zone ${n}`);
  results(
    await driver.callAll(
      plan.zones.map((z) =>
        admin({
          type: 'zone.setCloseSectors',
          id: zoneOf(z.number),
          sectors: z.closeSectors.map(idOfSector),
        }),
      ),
    ),
    'zone.setCloseSectors',
  );
  results(
    await driver.callAll(
      plan.travelMinutes.map((t) =>
        admin({ type: 'zone.setMinutes', from: zoneOf(t.from), to: zoneOf(t.to), minutes: t.minutes }),
      ),
    ),
    'zone.setMinutes',
  );
  const keys = catalogueKeys({
    challenges: new Map(),
    sets: new Map(sets.map((s) => [s.id, s])),
    zones: new Map(zones.map((z) => [z.id, z])),
    sectors: new Map(sectors.map((s) => [s.id, s])),
  });
  const challenges = results<Challenge>(
    await driver.callAll(
      plan.challenges.map((c) =>
        admin({ type: 'challenge.add', challenge: resolveChallenge(c.challenge, keys) }),
      ),
    ),
    'challenge.add',
  );
  const state = driver.state().tables;
  return {
    challenges: new Map(challenges.map((c) => [c.id, c])),
    sets: new Map(sets.map((s) => [s.id, s])),
    zones: new Map([...state.zone.values()].map((z) => [z.id, z])),
    sectors: new Map([...state.sector.values()].map((s) => [s.id, s])),
  };
}
