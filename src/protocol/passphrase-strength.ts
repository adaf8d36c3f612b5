/** The strength a new passphrase needs (AUTH-10), as a sentence for error messages and help texts. */
export const PASSPHRASE_STRENGTH =
  'at least three different words of three or more letters, or at least 12 characters of which 5 differ';

const WORD_SEPARATORS = /[\s\-_.,;:+/]+/u;

/**
 * Whether a passphrase is strong enough to be given to a player (AUTH-10). Logins are passphrase-only
 * and a guess is throttled (LIMIT-8) but still cheap, so a new passphrase must be long: three words
 * (as `truinlag player add` generates them, about 39 bits) or twelve characters that are not one
 * repeated. Existing passphrases still log in; only new ones are checked.
 */
export function isStrongPassphrase(passphrase: string): boolean {
  const text = passphrase.trim();
  const words = new Set(
    text
      .toLowerCase()
      .split(WORD_SEPARATORS)
      .filter((word) => [...word].length >= 3),
  );
  if (words.size >= 3) return true;
  const characters = [...text];
  return characters.length >= 12 && new Set(characters).size >= 5;
}
