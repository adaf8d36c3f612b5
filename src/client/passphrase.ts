import { PASSPHRASE_WORDS } from './passphrase-words.js';

/** Words in a generated passphrase: three of 7,772 is about 39 bits, enough with the login throttle. */
export const GENERATED_PASSPHRASE_WORDS = 3;

/**
 * A random passphrase of different words from the EFF list, joined by hyphens (AUTH-10), drawn uniformly
 * with the platform's cryptographic random source (in Node and in browsers alike). The words differ, so
 * that every generated passphrase passes the strength rule.
 */
export function generatePassphrase(words: number = GENERATED_PASSPHRASE_WORDS): string {
  const chosen = new Set<string>();
  while (chosen.size < words) chosen.add(PASSPHRASE_WORDS[uniformIndex(PASSPHRASE_WORDS.length)] as string);
  return [...chosen].join('-');
}

/** A uniform index below `n`: 32-bit draws above the last whole multiple of `n` are drawn again. */
function uniformIndex(n: number): number {
  const limit = Math.floor(2 ** 32 / n) * n;
  const draw = new Uint32Array(1);
  do globalThis.crypto.getRandomValues(draw);
  while ((draw[0] as number) >= limit);
  return (draw[0] as number) % n;
}
