/** Builders for small, hand-made catalogues (synthetic data). */
import { CHALLENGE_DEFAULTS } from '../../../src/engine/catalogue/defaults.js';
import type {
  Catalogue,
  Challenge,
  ChallengeInput,
  ChallengeSet,
  Sector,
  Zone,
} from '../../../src/engine/catalogue/types.js';
import type { GameConfig, PartialGameConfig } from '../../../src/engine/config/game-config.js';
import { resolveGameConfig } from '../../../src/engine/config/game-config.js';
import type { GenerationContext } from '../../../src/engine/generation/context.js';
import { resolveContext } from '../../../src/engine/generation/context.js';
import type { TeamSnapshot } from '../../../src/engine/generation/types.js';
import type { Rng } from '../../../src/engine/rng.js';
import { seededRng } from '../../../src/engine/rng.js';

/** A valid, playable Unspezifisch challenge in set 1, overridable field by field. */
export function makeChallengeInput(over: Partial<ChallengeInput> = {}): ChallengeInput {
  return {
    ...CHALLENGE_DEFAULTS,
    kind: 'Unspezifisch',
    sets: [1],
    status: 'Approved',
    title: 'Title',
    description: 'Description',
    ...over,
  };
}

export function makeChallenge(id: number, over: Partial<ChallengeInput> = {}): Challenge {
  return { id, lastEdit: 0, ...makeChallengeInput(over) };
}

/** A Kaff at `zoneId` (valid per CATALOGUE-5). */
export const kaff = (id: number, zoneId: number, over: Partial<ChallengeInput> = {}): Challenge =>
  makeChallenge(id, {
    kind: 'Kaff',
    title: null,
    description: null,
    place: `Kaff${id}`,
    kaffskala: 4,
    grade: 3,
    zones: [zoneId],
    ...over,
  });

/** A ZKaff in the given sectors (valid per CATALOGUE-5). */
export const zkaff = (id: number, sectors: number[], over: Partial<ChallengeInput> = {}): Challenge =>
  makeChallenge(id, {
    kind: 'ZKaff',
    title: null,
    description: null,
    place: `Stop${id}`,
    sectors,
    stationDistance: 100,
    timeToHb: 10,
    ...over,
  });

export function makeZone(id: number, number: number, over: Partial<Omit<Zone, 'id' | 'number'>> = {}): Zone {
  return {
    id,
    number,
    numConnZones: 6,
    numConnections: 36,
    trainThrough: true,
    mongus: false,
    sBahnZone: false,
    minutesTo: { [id]: 0 },
    closeSectors: [],
    ...over,
  };
}

/** Zone ids of the worked-example zones (deliberately different from their numbers). */
export const Z = { z110: 1, z121: 2, z181: 3, z135: 4 } as const;

/** Fictional zones of the worked examples (points.test.ts), with a full directed matrix (0 diagonal). */
export function exampleZones(): Zone[] {
  return [
    makeZone(Z.z110, 110, {
      numConnZones: 9,
      numConnections: 400,
      trainThrough: true,
      sBahnZone: true,
      minutesTo: { [Z.z110]: 0, [Z.z121]: 25, [Z.z181]: 50, [Z.z135]: 60 },
    }),
    makeZone(Z.z121, 121, {
      numConnZones: 5,
      numConnections: 36,
      trainThrough: true,
      sBahnZone: true,
      minutesTo: { [Z.z110]: 25, [Z.z121]: 0, [Z.z181]: 40, [Z.z135]: 22 },
    }),
    makeZone(Z.z181, 181, {
      numConnZones: 2,
      numConnections: 9,
      trainThrough: false,
      sBahnZone: true,
      minutesTo: { [Z.z110]: 50, [Z.z121]: 40, [Z.z181]: 0, [Z.z135]: 70 },
    }),
    makeZone(Z.z135, 135, {
      numConnZones: 3,
      numConnections: 4,
      trainThrough: false,
      mongus: true,
      minutesTo: { [Z.z110]: 60, [Z.z121]: 22, [Z.z181]: 70, [Z.z135]: 0 },
    }),
  ];
}

export const makeSector = (id: number, name: string, neighbours: number[] = []): Sector => ({
  id,
  name,
  neighbours,
});

export interface CatalogueParts {
  challenges?: Challenge[];
  zones?: Zone[];
  sectors?: Sector[];
  sets?: ChallengeSet[];
}

const byId = <T extends { id: number }>(items: readonly T[]): ReadonlyMap<number, T> =>
  new Map(items.map((x) => [x.id, x]));

/** A catalogue; zones default to the example zones, sets to `base` (1) and `family` (2). */
export function makeCatalogue(parts: CatalogueParts = {}): Catalogue {
  return {
    challenges: byId(parts.challenges ?? []),
    zones: byId(parts.zones ?? exampleZones()),
    sectors: byId(parts.sectors ?? []),
    sets: byId(
      parts.sets ?? [
        { id: 1, name: 'base' },
        { id: 2, name: 'family' },
      ],
    ),
  };
}

/** Defaults with noise and wiggle off, so results are deterministic; overridable. */
export function testConfig(over: PartialGameConfig = {}): GameConfig {
  return resolveGameConfig({ relativeStandardDeviation: 0, timeWiggleMinutes: 0, ...over });
}

export function makeTeam(over: Partial<TeamSnapshot> = {}): TeamSnapshot {
  return {
    zoneId: Z.z110,
    sectorId: null,
    points: 0,
    completedChallengeIds: [],
    seenChallengeIds: [],
    ...over,
  };
}

export function makeContext(
  catalogue: Catalogue,
  config: GameConfig,
  team: TeamSnapshot = makeTeam(),
): GenerationContext {
  const resolved = resolveContext(catalogue, config, team);
  if (!resolved.ok) throw new Error(resolved.problem);
  return resolved.context;
}

/** A seeded RNG with some draws replaced (e.g. a fixed normal() to test the noise term). */
export function rngWith(over: Partial<Rng>, seed = 1): Rng {
  return { ...seededRng(seed), ...over };
}

/** Epoch ms of an ISO timestamp with explicit offset, e.g. '2025-06-16T09:15:00+02:00'. */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad timestamp ${iso}`);
  return ms;
};

/** Runs `draw` `n` times on one seeded RNG and returns the share of runs that returned true. */
export function share(n: number, draw: (rng: Rng) => boolean, seed = 42): number {
  const rng = seededRng(seed);
  let hits = 0;
  for (let i = 0; i < n; i++) if (draw(rng)) hits++;
  return hits / n;
}
