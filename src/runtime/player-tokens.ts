import { createHash, randomBytes } from 'node:crypto';
import type { Outcome } from '../engine/handler.js';

/** Bytes of randomness in a player token: 256 bits from the system's CSPRNG. */
const TOKEN_BYTES = 32;

/** A player token as `auth.login` issues it: the token for its answer, the hash for the engine. */
export interface IssuedToken {
  readonly token: string;
  readonly hash: string;
}

/**
 * Player tokens are kept only as hashes (AUTH-8): the token is drawn here, outside the engine, from the
 * CSPRNG, so that nothing journaled (the command's seed, its input) lets anyone compute it; the engine,
 * the store and the journal see only its SHA-256. A plain hash is enough: the token is a random 256-bit
 * value, so there is nothing to guess offline.
 */
export function issuePlayerToken(): IssuedToken {
  const token = randomBytes(TOKEN_BYTES).toString('hex');
  return { token, hash: hashPlayerToken(token) };
}

/** The hash under which a player token is stored and looked up (lowercase hex SHA-256). */
export function hashPlayerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A login's outcome as its answer: the engine named the new token by its hash (it never sees the
 * token), and the token takes its place. Any other outcome is returned as it is.
 */
export function withIssuedToken(outcome: Outcome<unknown>, issued: IssuedToken): Outcome<unknown> {
  if (outcome.ok !== true) return outcome;
  const result = outcome.result as { token?: unknown };
  if (result.token !== issued.hash) return outcome;
  return { ok: true, result: { ...result, token: issued.token } };
}
