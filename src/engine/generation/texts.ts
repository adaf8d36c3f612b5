/**
 * Player-facing title and description of an offer (HAND-12).
 * Blank explicit texts count as absent.
 */
import type { Challenge, Zone } from '../catalogue/types.js';
import type { GameConfig } from '../config/game-config.js';

export interface OfferTexts {
  title: string;
  description: string;
  /** The catalogue's translations, language → text, filled like the title and description. */
  translatedTitles: Record<string, string>;
  translatedDescriptions: Record<string, string>;
}

export const NO_DISEMBARK_PREFIX = '🛤️ ';

const present = (text: string | null): text is string => text !== null && text.trim() !== '';

function automaticTexts(c: Challenge, place: string): Pick<OfferTexts, 'title' | 'description'> {
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
  const fillTitle = (text: string): string =>
    (c.noDisembark ? NO_DISEMBARK_PREFIX : '') + fillPlaceholders(text, repetitions, zone);
  const filledDescription = fillPlaceholders(description, repetitions, zone);
  return {
    title: fillTitle(title),
    description:
      c.kind === 'Zoneable' && zone
        ? `${filledDescription} ${zoneableSuffix(zone.number)}`
        : filledDescription,
    translatedTitles: filledTranslations(c.translatedTitles, fillTitle),
    // The zoneable suffix is Swiss German: a translation names the zone through the offer's zoneNumber.
    translatedDescriptions: filledTranslations(c.translatedDescriptions, (text) =>
      fillPlaceholders(text, repetitions, zone),
    ),
  };
}

/** The non-blank translations, each filled. */
function filledTranslations(
  translations: Readonly<Record<string, string>>,
  fill: (text: string) => string,
): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const [language, text] of Object.entries(translations))
    if (present(text)) filled[language] = fill(text);
  return filled;
}
