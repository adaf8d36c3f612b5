import type { SealedPassphrase } from './state.js';

const SEALED = /^sealed:v1:([0-9a-f]{64}):([0-9a-f]{32}):([0-9a-f]{64})$/;

/**
 * The runtime replaces every passphrase with its sealed form before a command reaches the engine, so the
 * text is never journaled, stored or logged (AUTH-4). The engine only ever sees and compares digests.
 */
export function parseSealedPassphrase(text: string): SealedPassphrase | undefined {
  const match = SEALED.exec(text);
  if (match === null) return undefined;
  const [, lookup, salt, hash] = match;
  if (lookup === undefined || salt === undefined || hash === undefined) return undefined;
  return { lookup, salt, hash };
}
