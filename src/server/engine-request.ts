import { randomUUID } from 'node:crypto';
import type { Actor } from '../engine/handler.js';
import type { Command } from '../protocol/commands/index.js';
import { encodeFailure } from '../protocol/encode.js';
import { makeError } from '../protocol/errors.js';
import type { FrameKind, Peer } from '../runtime/peer.js';
import type { Runtime } from '../runtime/runtime.js';

/** How an HTTP request's command is put to the engine. */
export interface EngineRequest {
  /** Who sent it: the answer goes to a peer of this actor, and request ids are scoped to it. */
  readonly actor: Actor;
  /** The request id (an `Idempotency-Key`): a retry with it gets the first answer (IDEMPOTENCY-3). */
  readonly requestId: string;
  readonly command: Command;
  /** Who the command runs as, when not the actor (an internal command the HTTP side vouches for). */
  readonly runAs?: Actor;
  /** How long to wait for the answer. */
  readonly timeoutMs: number;
}

/**
 * Submits a command as if from a connection of the actor and resolves with the response frame, or
 * undefined after the timeout (a shutdown answers SHUTTING_DOWN).
 */
export function requestEngine(runtime: Runtime, request: EngineRequest): Promise<string | undefined> {
  const { actor, requestId, command } = request;
  const clientKey = clientKeyOf(actor);
  const session =
    actor.kind === 'player' ? (runtime.current.tables.player.get(actor.player)?.session ?? null) : null;
  return new Promise((resolve) => {
    const finish = (frame: string | undefined): void => {
      clearTimeout(timer);
      runtime.detach(peer);
      resolve(frame);
    };
    const peer: Peer = {
      id: `http:${randomUUID()}`,
      actor,
      session,
      send: (frame: string, kind: FrameKind) => {
        if (kind === 'response') finish(frame);
      },
      close: () => finish(encodeFailure(requestId, makeError('SHUTTING_DOWN'))),
    };
    const timer = setTimeout(() => finish(undefined), request.timeoutMs);
    timer.unref();
    runtime.attach(peer);
    const runAs = request.runAs === undefined ? {} : { actor: request.runAs };
    runtime.submit({
      source: 'client',
      peer,
      ...runAs,
      reply: { clientKey, requestId },
      command,
      session: undefined,
    });
  });
}

/** Idempotency keys are each login's own (IDEMPOTENCY-2): a game master's apart from the owner's (AUTH-7). */
function clientKeyOf(actor: Actor): string {
  if (actor.kind === 'player') return `http/player:${actor.player}`;
  return actor.kind === 'admin' && actor.gm !== undefined ? `http/gm:${actor.gm}` : 'http/admin';
}
