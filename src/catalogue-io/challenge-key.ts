import type { ChallengeInput } from '../engine/catalogue/types.js';

/** The fields a natural key is built from. */
export type KeyFields = Pick<ChallengeInput, 'kind' | 'title' | 'place' | 'description'>;

/** Key names compare without regard to case, Unicode form or runs of white space. */
function normaliseKeyName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The natural upsert key of a challenge (IMPORT-4): its kind and name. The name of a Kaff or ZKaff is its
 * place (the title is only an optional override of the automatic text, HAND-12); the name of every other
 * kind is its title. When that field is empty (possible only for ToSort rows) the other one, then the
 * description, stands in. Null when the row has no text at all to be recognised by.
 */
export function naturalKey(challenge: KeyFields): string | null {
  const { kind, title, place, description } = challenge;
  const candidates = kind === 'Kaff' || kind === 'ZKaff' ? [place, title] : [title, place];
  const name = [...candidates, description].find((text) => text !== null && text.trim() !== '');
  return name === undefined || name === null ? null : `${kind}:${normaliseKeyName(name)}`;
}
