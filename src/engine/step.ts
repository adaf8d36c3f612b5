import { COMMANDS, type Command } from '../protocol/commands/index.js';
import type { Access } from '../protocol/define.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import type { Actor, HandlerContext, Outcome } from './handler.js';
import { HANDLERS } from './handlers/index.js';
import type { JobRequest } from './jobs.js';
import type { Rng } from './rng.js';
import type { EngineState, PendingBroadcast, Redaction, Write } from './state.js';
import { IdsExhausted, Tx, type StepReads } from './tx.js';

export interface StepInput {
  readonly command: Command;
  readonly actor: Actor;
  readonly session: number | undefined;
}

/**
 * Everything impure a step may use, as values (TIME-3): the clock reading, the seeded RNG and, for a
 * login, the hash of the token the runtime drew (AUTH-8); all three are journaled.
 */
export interface StepContext {
  readonly now: number;
  readonly rng: Rng;
  readonly loginTokenHash?: string | undefined;
}

/** The data a step returns; the runtime commits `writes`, then answers and broadcasts. */
export interface StepResult {
  readonly outcome: Outcome<unknown>;
  readonly writes: Write[];
  readonly broadcasts: PendingBroadcast[];
  readonly jobs: JobRequest[];
  readonly shutdown: boolean;
  /** Blob keys the runtime deletes in the same commit (PRIVACY-1, PRIVACY-2). */
  readonly blobDeletes?: string[];
  /** Journal and log rows the runtime rewrites in the same commit (PRIVACY-1, PRIVACY-2). */
  readonly redactions?: Redaction[];
  /** What the step read, access checks included: whether its answer can wait for no commit (PROTOCOL-8). */
  readonly reads: StepReads;
  /**
   * Internal commands the runtime runs once this step is answered, kept also when it was refused (a
   * refused catch is put on record by one, CATCH-7); each is a step of its own, journaled as such.
   */
  readonly reports?: Report[];
}

/** An internal command a step asks the runtime to run after it (see `StepResult.reports`). */
export interface Report {
  readonly command: Command;
  readonly session: number | undefined;
}

/**
 * The engine: one command against the current state, pure. A refused command (or a bug that throws)
 * returns no writes, broadcasts or jobs, so it changes nothing.
 */
export function step(state: EngineState, input: StepInput, ctx: StepContext): StepResult {
  const tx = new Tx(state);
  const refusal = checkAccess(tx, input);
  if (refusal !== undefined) return refused(refusal, tx.reads);
  const jobs: JobRequest[] = [];
  const reports: Report[] = [];
  let shutdown = false;
  let outcome: Outcome<unknown>;
  try {
    const context: HandlerContext = {
      tx,
      now: ctx.now,
      rng: ctx.rng,
      loginTokenHash: ctx.loginTokenHash,
      actor: input.actor,
      session: input.session,
      startJob: (job) => jobs.push(job),
      requestShutdown: () => {
        shutdown = true;
      },
      report: (command, session) => reports.push({ command, session }),
      run: (command, session) => dispatch(command, { ...context, session }),
    };
    outcome = dispatch(input.command, context);
  } catch (cause) {
    if (cause instanceof IdsExhausted) return refused(makeError('IDS_EXHAUSTED', cause.message), tx.reads);
    const message = cause instanceof Error ? cause.message : String(cause);
    return refused(makeError('INTERNAL', `The command failed unexpectedly: ${message}`), tx.reads);
  }
  const reported = reports.length > 0 ? { reports } : {};
  if (outcome.ok === false) return { ...refused(outcome.error, tx.reads), ...reported };
  return {
    outcome,
    writes: tx.writes(),
    broadcasts: tx.broadcasts,
    jobs,
    shutdown,
    reads: tx.reads,
    ...(tx.blobDeletes.length > 0 ? { blobDeletes: tx.blobDeletes } : {}),
    ...(tx.redactions.length > 0 ? { redactions: tx.redactions } : {}),
    ...reported,
  };
}

function dispatch(command: Command, ctx: HandlerContext): Outcome<unknown> {
  const handler = (
    HANDLERS as Partial<Record<string, (command: Command, context: HandlerContext) => Outcome<unknown>>>
  )[command.type];
  // The runtime answers a few commands itself (`admin.connections`): they never reach the engine.
  if (handler === undefined)
    return { ok: false, error: makeError('INTERNAL', `"${command.type}" is answered by the runtime.`) };
  return handler(command, ctx);
}

function refused(error: ProtocolError, reads: StepReads): StepResult {
  return { outcome: { ok: false, error }, writes: [], broadcasts: [], jobs: [], shutdown: false, reads };
}

/** The access levels each kind of actor may use (AUTH-2); internal commands only come from the engine. */
const ALLOWED: { readonly [K in Actor['kind']]: readonly Access[] } = {
  system: ['public', 'player', 'admin', 'internal'],
  admin: ['public', 'player', 'admin'],
  player: ['public', 'player'],
  guest: ['public'],
};

/** Role and scope rules that hold for every command (AUTH-2, AUTH-3, PROTOCOL-3). */
function checkAccess(tx: Tx, { command, actor, session }: StepInput): ProtocolError | undefined {
  const def = COMMANDS.get(command.type);
  if (def === undefined) return makeError('UNKNOWN_COMMAND');
  if (!ALLOWED[actor.kind].includes(def.access)) {
    const why =
      def.access === 'internal'
        ? 'is run by the engine itself'
        : def.access === 'admin'
          ? 'is for game masters only'
          : 'needs a logged-in player (auth.login)';
    return makeError('UNAUTHORISED', `"${def.type}" ${why}.`);
  }
  // A player connection lives as long as the token it logged in with (auth.logout, player.remove).
  if (actor.kind === 'player' && actor.token !== undefined) {
    if (tx.get('token', actor.token)?.player !== actor.player) {
      return makeError('UNAUTHORISED', 'This login has ended (logged out or removed): log in again.');
    }
  }
  // A game master's connection lives as long as the account (AUTH-7).
  if (actor.kind === 'admin' && actor.gm !== undefined) {
    if (tx.get('gameMaster', actor.gm)?.revokedAt !== null) {
      return makeError('UNAUTHORISED', 'This game-master account was revoked.');
    }
  }
  if (def.scope === 'global') {
    return session === undefined ? undefined : makeError('SESSION_SUPPLIED');
  }
  if (session === undefined) return makeError('NO_SESSION_SUPPLIED');
  // Checked before existence, so that a player learns nothing about other sessions (AUTH-3).
  if (actor.kind === 'player' && tx.get('player', actor.player)?.session !== session) {
    return makeError('UNAUTHORISED', 'A player may only act in their own session.');
  }
  if (tx.get('session', session) === undefined) {
    return makeError('NOT_FOUND', `No session with id ${session}.`, { entity: 'session', id: session });
  }
  return undefined;
}
