/**
 * The zone of a picked challenge (HAND-11).
 *
 * Decision (spec unclear): an Ortsspezifisch whose listed zones all lack a matrix entry from the team's
 * zone gets its first listed zone (reported as a problem; travel then counts 0 minutes, as for any
 * missing matrix entry) rather than no zone, so that completing it still moves the team there.
 */
import type { Challenge, Zone } from '../catalogue/types.js';
import type { Rng } from '../rng.js';
import type { GenerationContext } from './context.js';
import type { Slot } from './types.js';

export interface ZoneChoice {
  zone: Zone | null;
  /** Why a needed zone could not be (properly) found; null when all went to plan. */
  problem: string | null;
}

const ok = (zone: Zone | null): ZoneChoice => ({ zone, problem: null });

/** Uniform random zone among `allowed` (every zone when null), optionally S-Bahn zones only. */
function randomZone(
  ctx: GenerationContext,
  allowed: readonly number[] | null,
  sBahnOnly: boolean,
  rng: Rng,
): Zone | null {
  const ids = allowed ?? [...ctx.catalogue.zones.keys()];
  const pool = [...new Set(ids)]
    .sort((a, b) => a - b)
    .map((id) => ctx.catalogue.zones.get(id))
    .filter((z): z is Zone => z !== undefined && (!sBahnOnly || z.sBahnZone));
  return rng.pick(pool) ?? null;
}

function closestListedZone(challenge: Challenge, ctx: GenerationContext): ZoneChoice {
  const listed = challenge.zones.map((id) => ctx.catalogue.zones.get(id)).filter((z) => z !== undefined);
  let best: { zone: Zone; minutes: number } | null = null;
  for (const zone of listed) {
    const minutes = ctx.teamZone.minutesTo[zone.id];
    if (minutes !== undefined && (best === null || minutes < best.minutes)) best = { zone, minutes };
  }
  if (best) return ok(best.zone);
  const first = listed[0] ?? null;
  const problem = first
    ? `challenge ${challenge.id}: no travel minutes from zone ${ctx.teamZone.number} to any listed zone; using zone ${first.number}`
    : `challenge ${challenge.id}: lists no existing zone`;
  return { zone: first, problem };
}

/**
 * Chooses the zone for `challenge` dealt into `slot`: random (S-Bahn) zone for random-place challenges,
 * first listed zone for Kaff, the team-closest listed zone for Ortsspezifisch, the centre zone for ZKaff,
 * a random allowed zone for a Zoneable in a zoning slot, none otherwise. `allowedZones` restricts only
 * the random choices.
 */
export function chooseZone(challenge: Challenge, slot: Slot, ctx: GenerationContext, rng: Rng): ZoneChoice {
  const needed = (zone: Zone | null, what: string): ZoneChoice =>
    zone
      ? ok(zone)
      : { zone: null, problem: `challenge ${challenge.id}: no ${what} available; scored without zone` };
  if (challenge.randomPlace !== null) {
    const sBahn = challenge.randomPlace === 'SBahnZone';
    return needed(randomZone(ctx, slot.allowedZones, sBahn, rng), sBahn ? 'S-Bahn zone' : 'zone');
  }
  switch (challenge.kind) {
    case 'Kaff': {
      const first = challenge.zones[0];
      return needed(first === undefined ? null : (ctx.catalogue.zones.get(first) ?? null), 'listed zone');
    }
    case 'Ortsspezifisch':
      return closestListedZone(challenge, ctx);
    case 'ZKaff':
      return ok(ctx.centreZone);
    case 'Zoneable':
      return slot.zoneZoneables
        ? needed(randomZone(ctx, slot.allowedZones, false, rng), 'allowed zone')
        : ok(null);
    case 'Regionsspezifisch':
    case 'Unspezifisch':
      return ok(null);
  }
}
