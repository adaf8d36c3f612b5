/**
 * Resolves what every slot needs to know about the team and the catalogue, once per generation
 * (HAND-10). Where the reference panics (unknown zone or sector id) we report a problem.
 */
import type { Catalogue, Challenge, Zone } from '../catalogue/types.js';
import type { GameConfig } from '../config/game-config.js';
import type { TeamSnapshot } from './types.js';

export interface GenerationContext {
  catalogue: Catalogue;
  config: GameConfig;
  teamZone: Zone;
  centreZone: Zone;
  /** Sector ids a ZKaff "sector" slot accepts (HAND-8). */
  adjacentSectors: ReadonlySet<number>;
  completed: ReadonlySet<number>;
  /** Completed or offered before: the "not-seen" filter excludes these. */
  seen: ReadonlySet<number>;
  /** Every catalogue challenge, ascending by id, so that picks replay identically (TIME-3). */
  challenges: readonly Challenge[];
}

export type ContextResult =
  { ok: true; context: GenerationContext; problems: string[] } | { ok: false; problem: string };

/**
 * Adjacent sectors (HAND-8): in the configured centre zone with a known current sector → that
 * sector's neighbours (not the sector itself); otherwise the close sectors of the team's zone.
 */
export function adjacentSectors(
  catalogue: Catalogue,
  teamZone: Zone,
  sectorId: number | null,
  centreZoneNumber: number,
): Set<number> {
  const sector = sectorId === null ? undefined : catalogue.sectors.get(sectorId);
  if (teamZone.number === centreZoneNumber && sector) return new Set(sector.neighbours);
  return new Set(teamZone.closeSectors);
}

/** Builds the {@link GenerationContext}, or explains why no hand can be dealt. */
export function resolveContext(catalogue: Catalogue, config: GameConfig, team: TeamSnapshot): ContextResult {
  const teamZone = catalogue.zones.get(team.zoneId);
  if (!teamZone) return { ok: false, problem: `the team's zone id ${team.zoneId} does not exist` };
  const centreZone = [...catalogue.zones.values()].find((z) => z.number === config.centreZone);
  if (!centreZone) return { ok: false, problem: `no zone has the centre-zone number ${config.centreZone}` };
  const problems: string[] = [];
  let sectorId = team.sectorId ?? null;
  if (sectorId !== null && !catalogue.sectors.has(sectorId)) {
    problems.push(`the team's sector id ${sectorId} does not exist; using its zone's close sectors`);
    sectorId = null;
  }
  const completed = new Set(team.completedChallengeIds);
  return {
    ok: true,
    problems,
    context: {
      catalogue,
      config,
      teamZone,
      centreZone,
      adjacentSectors: adjacentSectors(catalogue, teamZone, sectorId, config.centreZone),
      completed,
      seen: new Set([...completed, ...team.seenChallengeIds]),
      challenges: [...catalogue.challenges.values()].sort((a, b) => a.id - b.id),
    },
  };
}
