/**
 * Player-facing title and description of an offer (HAND-12).
 * Blank explicit texts count as absent.
 */
import type { Challenge, Zone } from '../catalogue/types.js';
import type { GameConfig } from '../config/game-config.js';

export interface OfferTexts {
  title: string;
  description: string;
}

export const NO_DISEMBARK_PREFIX = '🛤️ ';

const present = (text: string | null): text is string => text !== null && text.trim() !== '';

function automaticTexts(c: Challenge, place: string): OfferTexts {
  return c.kind === 'ZKaff'
    ? { title: `Züridrift nach ${place}`, description: `Gönd zu de Station ${place} in Züri.` }
    : { title: `Usflug uf ${place}`, description: `Gönd nach ${place}.` };
}

/** The suffix telling a team that a zoned Zoneable only pays off in its zone. */
export function zoneableSuffix(zoneNumber: number): string {
  return `Ihr überchömed d Pünkt nur, wenn ihr d Challenge i de Zone ${zoneNumber} mached.`;
}

function fillPlaceholders(text: string, repetitions: number, zone: Zone | null): string {
  const withReps = text.replaceAll('%r', String(repetitions));
  return zone
    ? withReps.replaceAll('%z', String(zone.number)).replaceAll('%s', String(zone.number))
    : withReps;
}

/**
 * Builds the offer texts: explicit text, else the automatic text from `place`, else the config's
 * fallback; then `%r` → repetitions and (only with a zone) `%z`/`%s` → the zone number; a 🛤️ prefix for
 * no-disembark challenges; and for a Zoneable that got a zone, a suffix naming that zone.
 */
export function offerTexts(
  c: Challenge,
  repetitions: number,
  zone: Zone | null,
  config: GameConfig,
): OfferTexts {
  const auto = present(c.place) ? automaticTexts(c, c.place.trim()) : null;
  const title = present(c.title) ? c.title : (auto?.title ?? config.defaultChallengeTitle);
  const description = present(c.description)
    ? c.description
    : (auto?.description ?? config.defaultChallengeDescription);
  const filledDescription = fillPlaceholders(description, repetitions, zone);
  return {
    title: (c.noDisembark ? NO_DISEMBARK_PREFIX : '') + fillPlaceholders(title, repetitions, zone),
    description:
      c.kind === 'Zoneable' && zone
        ? `${filledDescription} ${zoneableSuffix(zone.number)}`
        : filledDescription,
  };
}
