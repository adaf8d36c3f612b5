import type { Command, CommandOf, CommandType, ResultOf } from '../protocol/commands/index.js';
import { makeError, type ErrorCode, type ErrorDetails, type ProtocolError } from '../protocol/errors.js';
import type { JobRequest } from './jobs.js';
import type { Rng } from './rng.js';
import type { Tx } from './tx.js';

/**
 * Who a command runs for (AUTH-1). `guest` is a WebSocket connection that has not logged in (public commands
 * only); a `player` connection carries the id of the token record it logged in with, so that logging out
 * (or removing the player) ends it; `system` is the engine itself: timers and background-job results. An
 * `admin` is the owner, or with `gm` the named game-master account it logged in with (AUTH-7), which ends
 * when the account is revoked. The actor is journaled with every command: the audit reads it.
 */
export type Actor =
  | { readonly kind: 'admin'; readonly gm?: number }
  | { readonly kind: 'player'; readonly player: number; readonly token?: number }
  | { readonly kind: 'guest' }
  | { readonly kind: 'system' };

export interface HandlerContext {
  readonly tx: Tx;
  /** Injected clock: epoch ms, fixed for the whole command. */
  readonly now: number;
  /** Injected seeded RNG. */
  readonly rng: Rng;
  /**
   * The hash of a fresh player token the runtime drew for this request (`auth.login` only, AUTH-8): the
   * token itself never enters the engine, so the journal cannot give it away.
   */
  readonly loginTokenHash: string | undefined;
  readonly actor: Actor;
  /** The session the request names (always present for session-scoped commands). */
  readonly session: number | undefined;
  /** Starts a background job; the command then answers when the job's result comes back. */
  readonly startJob: (job: JobRequest) => void;
  /** Asks the runtime to shut down once this command's response is sent. */
  readonly requestShutdown: () => void;
  /**
   * Queues an internal command for the runtime to run after this step is answered, also when the step is
   * refused: how a refusal is put on record without the refused command changing anything (CATCH-7).
   */
  readonly report: (command: Command, session: number | undefined) => void;
  /** Runs another command in this same step and transaction (how a due timer runs its command). */
  readonly run: (command: Command, session: number | undefined) => Outcome<unknown>;
}

export type Outcome<R> =
  | { readonly ok: true; readonly result: R }
  | { readonly ok: false; readonly error: ProtocolError }
  | { readonly ok: 'deferred' };

export type Handler<T extends CommandType> = (
  command: CommandOf<T>,
  ctx: HandlerContext,
) => Outcome<ResultOf<T>>;

export const ok = <R>(result: R): Outcome<R> => ({ ok: true, result });

export const fail = (code: ErrorCode, message?: string, details?: ErrorDetails): Outcome<never> => ({
  ok: false,
  error: makeError(code, message, details),
});

export const notFound = (entity: string, id: number | string): Outcome<never> =>
  fail('NOT_FOUND', `No ${entity} with id ${id}.`, { entity, id });
