import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../engine/handler.js';
import type { EngineState, Write } from '../engine/state.js';
import type { Command } from '../protocol/commands/index.js';
import { CLOSE_CODES } from '../transport/close-codes.js';
import type { Peer } from './peer.js';

/**
 * Game-master tokens (AUTH-7) are 32 random bytes the client drew, so a plain SHA-256 is a safe digest
 * (nothing to guess); only the digest is stored, journaled or compared.
 */
const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

/** `gm.add` with its token replaced by `sha256:<hex>` at the boundary, before the engine or journal. */
export function sealGameMasterToken(command: Command): Command {
  if (command.type !== 'gm.add') return command;
  return { ...command, token: `sha256:${digest(command.token).toString('hex')}` };
}

/** The admin actor of a live (not revoked) game-master account whose token this is, if any. */
export function gameMasterOfToken(state: EngineState, token: string): Actor | undefined {
  const given = digest(token);
  for (const account of state.tables.gameMaster.values()) {
    if (account.revokedAt !== null) continue;
    if (timingSafeEqual(given, Buffer.from(account.tokenHash, 'hex')))
      return { kind: 'admin', gm: account.id };
  }
  return undefined;
}

/** Revoking an account cuts its live connections at once (AUTH-7), after the revocation is durable. */
export function cutRevokedGameMasters(peers: Iterable<Peer>, writes: readonly Write[]): void {
  const revoked = new Set<number>();
  for (const write of writes) {
    if (
      write.op === 'put' &&
      write.table === 'gameMaster' &&
      (write.doc as { revokedAt: unknown }).revokedAt !== null
    )
      revoked.add(write.id);
  }
  if (revoked.size === 0) return;
  for (const peer of [...peers]) {
    if (peer.actor.kind === 'admin' && peer.actor.gm !== undefined && revoked.has(peer.actor.gm))
      peer.close(CLOSE_CODES.UNAUTHORISED, 'game-master account revoked');
  }
}
