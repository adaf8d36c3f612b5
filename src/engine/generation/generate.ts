/**
 * Deals a fresh hand to a runner team (HAND-1 to HAND-13, POINTS). Pure: time comes in as
 * `now` (epoch ms) plus the session's time zone, randomness from the injected `rng` (TIME-3), so a journal
 * replay with the same seed deals the same hand.
 *
 * Decision (HAND-10, a reference bug not to copy): generation never falls back to the previous hand. When
 * it cannot deal at all (invalid config or time zone, unknown team zone, missing centre zone) it returns
 * no offers; when single slots find nothing it returns a shorter hand. Either way `problems` says why,
 * and the caller decides what to do with a short or empty hand.
 */
import type { Challenge } from '../catalogue/types.js';
import { validateGameConfig } from '../config/game-config.js';
import type { Rng } from '../rng.js';
import { isTimeZone, localTime, secondsOfDay, type Weekday } from '../time-zone.js';
import { FALLBACK_LEVELS, pickForSlot } from './candidates.js';
import type { GenerationContext } from './context.js';
import { resolveContext } from './context.js';
import { determinePhase } from './phase.js';
import { computePoints, drawRepetitions } from './points.js';
import { buildSlots } from './slots.js';
import { offerTexts } from './texts.js';
import type { GenerationInput, GenerationResult, Offer, PointsBreakdown, Slot } from './types.js';
import { chooseZone } from './zone-choice.js';

interface Dealt {
  offer: Offer;
  breakdown: PointsBreakdown;
}

interface DealContext {
  ctx: GenerationContext;
  weekday: Weekday;
  underdogGap: number | null;
  rng: Rng;
  problems: string[];
}

/** Turns a picked challenge into an offer: repetitions, zone, points and texts. */
function deal(challenge: Challenge, slot: Slot, level: number, d: DealContext): Dealt {
  const { ctx, rng } = d;
  const repetitions = drawRepetitions(challenge.repetitions, rng);
  const { zone, problem } = chooseZone(challenge, slot, ctx, rng);
  if (problem) d.problems.push(problem);
  const terms = computePoints({
    challenge,
    repetitions,
    zone,
    teamZone: ctx.teamZone,
    zoned: slot.zoneZoneables,
    weekday: d.weekday,
    underdogGap: d.underdogGap,
    config: ctx.config,
    rng,
  });
  if (zone && terms.zone?.travelMinutes === null) {
    d.problems.push(
      `no travel minutes from zone ${ctx.teamZone.number} to zone ${zone.number}; counted as 0`,
    );
  }
  const texts = offerTexts(challenge, repetitions, zone, ctx.config);
  const offer: Offer = {
    challengeId: challenge.id,
    ...texts,
    points: terms.points,
    zoneId: zone?.id ?? null,
    zoneNumber: zone?.number ?? null,
    sectorId: challenge.sectors[0] ?? null,
    repetitions,
    action: challenge.action,
  };
  return { offer, breakdown: { ...terms, slot: slot.label, level } };
}

/** Fills the slots in order; a slot without any candidate stays empty and is reported. */
function fillSlots(slots: readonly Slot[], d: DealContext): Dealt[] {
  const taken = new Set<number>();
  const dealt: Dealt[] = [];
  slots.forEach((slot, i) => {
    const where = `slot ${i + 1} (${slot.label})`;
    const pick = pickForSlot(slot, d.ctx, taken, d.rng);
    if (!pick) {
      d.problems.push(`${where}: no playable challenge left to deal`);
      return;
    }
    if (pick.level > 0)
      d.problems.push(`${where}: fell back to level ${pick.level} (${FALLBACK_LEVELS[pick.level]})`);
    taken.add(pick.challenge.id);
    dealt.push(deal(pick.challenge, slot, pick.level, d));
  });
  return dealt;
}

/**
 * Generates a team's new hand. Returns the shuffled offers with a points breakdown each, the phase, and
 * every problem met (fallbacks, missing zones or matrix entries, empty slots, reasons for dealing
 * nothing). Never throws for bad data; never returns a challenge the team already completed.
 */
export function generateHand(input: GenerationInput): GenerationResult {
  const { config, rng } = input;
  const invalid = validateGameConfig(config);
  if (invalid.length > 0) {
    return {
      offers: [],
      breakdowns: [],
      phase: null,
      problems: invalid.map((v) => `invalid config: ${v.message}`),
    };
  }
  if (!isTimeZone(input.timeZone)) {
    return { offers: [], breakdowns: [], phase: null, problems: [`unknown time zone "${input.timeZone}"`] };
  }
  const clock = localTime(input.now, input.timeZone);
  const phase = determinePhase(secondsOfDay(clock), config, rng);
  const resolved = resolveContext(input.catalogue, config, input.team);
  if (!resolved.ok) return { offers: [], breakdowns: [], phase, problems: [resolved.problem] };
  const problems = [...resolved.problems];
  const underdogGap = input.topScore === undefined ? null : Math.max(0, input.topScore - input.team.points);
  const d: DealContext = { ctx: resolved.context, weekday: clock.weekday, underdogGap, rng, problems };
  // Shuffle so that the slot order does not reveal the phase.
  const dealt = rng.shuffle(fillSlots(buildSlots(phase.phase, resolved.context, rng), d));
  return { offers: dealt.map((x) => x.offer), breakdowns: dealt.map((x) => x.breakdown), phase, problems };
}
