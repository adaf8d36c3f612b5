import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import { PositionsNotReached, type AppliedPositions } from './applied-positions.js';
import {
  decodeReply,
  forwardSubjects,
  isNoResponders,
  Pieces,
  publishInPieces,
  readPieceHeaders,
  type ForwardRefusal,
  type ForwardReply,
  type ForwardRequest,
} from './forward-subjects.js';

/** Where a part's owner is: its lease holder, or undefined while the part has none. */
export type OwnerLookup = () => Promise<{ readonly node: string } | undefined>;

/** A forwarded request that got no answer to give the client: `error` is the response's error. */
export class ForwardFailure extends Error {
  constructor(readonly error: ProtocolError) {
    super(error.message);
    this.name = 'ForwardFailure';
  }
}

export interface ForwardOptions {
  /** How long the request may take in all, tries and waits included. */
  readonly deadlineMs?: number;
}

export interface RequestForwarderOptions {
  /**
   * This node's applied positions: an answer is handed back only once they reach the answer's positions,
   * so the client sees the step's broadcasts before its answer, as on one node.
   */
  readonly applied?: AppliedPositions;
  /** How long one try waits for the owner's answer before asking again (the owner may be gone). */
  readonly attemptMs?: number;
}

export const FORWARD_DEFAULTS = {
  deadlineMs: 10_000,
  attemptMs: 2_500,
  /** The wait between tries: doubled from the first to the last. */
  firstBackoffMs: 50,
  lastBackoffMs: 500,
  /** The least time this node's copy gets to apply an answer's positions, whatever is left of the deadline. */
  applyGraceMs: 1_000,
} as const;

/** What one try of a call came to, short of an answer (which settles the call from any try). */
type Miss = 'no responders' | 'timed out' | 'not sent' | ForwardRefusal;

/** The wait a failed forward suggests to its client before it sends the request again. */
const RETRY_AFTER_MS = 1_000;

/**
 * Forwards single requests to the owner of their part (CLUSTER-21), over NATS request/reply. One
 * subscription takes the answers of all calls (`<inbox>.<call>.<try>`). A try that finds no owner, no
 * responder (the owner's connection is gone), a refusal that passes (`NOT_OWNER`, `SHUTTING_DOWN`,
 * `BEHIND`, a lost piece), or no answer in `attemptMs` (a request to a node that just went away can be
 * lost on its way rather than refused), is followed after a short wait (50 ms doubling to 500 ms) by a new
 * lookup and try, until the deadline; then the call fails `OWNER_UNAVAILABLE`. Sending the same request
 * again is safe: the owner answers a request id it has answered from its log (IDEMPOTENCY-1). An owner at
 * its cap (`OVERLOADED`) is answered `RATE_LIMITED` at once, which clients send again after a wait.
 */
export class RequestForwarder {
  private readonly inbox = createInbox();
  private readonly subscription: Subscription;
  private readonly calls = new Map<number, Call>();
  private readonly attemptMs: number;
  private nextCall = 1;
  private closed = false;

  constructor(
    private readonly nats: NatsConnection,
    private readonly options: RequestForwarderOptions = {},
  ) {
    this.attemptMs = options.attemptMs ?? FORWARD_DEFAULTS.attemptMs;
    this.subscription = nats.subscribe(`${this.inbox}.*.*`, { callback: (_e, m) => this.receive(m) });
  }

  /** Forwards `request` to the owner `owner` names; the owner's reply, or a `ForwardFailure`. */
  async forward(
    owner: OwnerLookup,
    request: ForwardRequest,
    options: ForwardOptions = {},
  ): Promise<ForwardReply> {
    if (this.closed) throw new ForwardFailure(makeError('SHUTTING_DOWN'));
    const deadline = Date.now() + (options.deadlineMs ?? FORWARD_DEFAULTS.deadlineMs);
    const id = this.nextCall++;
    const payload = Buffer.from(JSON.stringify(request));
    const call = new Call();
    this.calls.set(id, call);
    try {
      const reply = await this.tries(id, call, owner, payload, deadline);
      await this.applied(reply, deadline);
      return reply;
    } finally {
      this.calls.delete(id);
      call.clear();
    }
  }

  /** Stops: calls in progress fail `SHUTTING_DOWN`, and so does any later one. */
  close(): void {
    this.closed = true;
    this.subscription.unsubscribe();
    for (const call of this.calls.values()) call.missed(call.attempt, 'SHUTTING_DOWN');
  }

  private async tries(
    id: number,
    call: Call,
    owner: OwnerLookup,
    payload: Buffer,
    deadline: number,
  ): Promise<ForwardReply> {
    for (let backoff: number = FORWARD_DEFAULTS.firstBackoffMs; ;) {
      const attempt = ++call.attempt;
      const found = await lookUp(owner, deadline - Date.now());
      let miss: Miss = 'not sent';
      if (found !== undefined && !this.closed) {
        try {
          publishInPieces(
            this.nats,
            forwardSubjects.requests(found.node),
            payload,
            `${this.inbox}.${id}.${attempt}`,
          );
          const result = await call.next(Math.min(this.attemptMs, deadline - Date.now()));
          if (typeof result !== 'string') return result;
          miss = result;
        } catch {
          // Not connected to NATS now: as if the owner were gone, until the deadline.
        }
      }
      if (this.closed) throw new ForwardFailure(makeError('SHUTTING_DOWN'));
      if (miss === 'OVERLOADED' || miss === 'INTERNAL') throw new ForwardFailure(refusalError(miss));
      const left = deadline - Date.now();
      if (left <= 0) throw new ForwardFailure(unavailable(miss));
      // A late answer of this try may still come while waiting for the next.
      const late = await call.next(Math.min(backoff, left), true);
      if (typeof late !== 'string') return late;
      backoff = Math.min(backoff * 2, FORWARD_DEFAULTS.lastBackoffMs);
    }
  }

  /** Waits until this node's copy has applied the answer's positions. */
  private async applied(reply: ForwardReply, deadline: number): Promise<void> {
    const applied = this.options.applied;
    if (applied === undefined) return;
    const timeoutMs = Math.max(deadline - Date.now(), FORWARD_DEFAULTS.applyGraceMs);
    try {
      await applied.waitFor(reply.positions, timeoutMs);
    } catch (error) {
      if (!(error instanceof PositionsNotReached)) throw error;
      const message = 'This server has not caught up with the game session’s server yet; try again.';
      throw new ForwardFailure(makeError('OWNER_UNAVAILABLE', message, { retryAfterMs: RETRY_AFTER_MS }));
    }
  }

  private receive(message: Msg): void {
    const [callId, attemptId] = message.subject.slice(this.inbox.length + 1).split('.');
    const call = this.calls.get(Number(callId));
    if (call === undefined) return;
    const attempt = Number(attemptId);
    if (isNoResponders(message)) return call.missed(attempt, 'no responders');
    const fields = readPieceHeaders(message.headers);
    if (fields.refused !== undefined) return call.missed(attempt, fields.refused);
    const whole = call.piece(attempt, fields, message.data);
    if (whole === undefined) return;
    if (whole === null) return call.missed(attempt, 'PIECES_LOST');
    try {
      call.answer(decodeReply(whole));
    } catch {
      call.missed(attempt, 'PIECES_LOST');
    }
  }
}

/**
 * One `forward` in progress: the answer may come from any of its tries (a slow owner's late answer too)
 * and settles the call whenever it comes; a miss ends the try it belongs to, and is old news for any
 * other. `next` waits for either, or for its time to pass.
 */
class Call {
  /** The current try. */
  attempt = 0;
  private readonly pieces = new Map<number, Pieces>();
  private reply: ForwardReply | undefined;
  private misses: Miss[] = [];
  private wake: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** A piece of a try's answer: the whole answer once it is there, null once a piece went missing. */
  piece(attempt: number, fields: Parameters<Pieces['add']>[0], data: Uint8Array): Buffer | undefined | null {
    const pieces = this.pieces.get(attempt) ?? new Pieces();
    this.pieces.set(attempt, pieces);
    const whole = pieces.add(fields, data);
    if (whole !== undefined) this.pieces.delete(attempt);
    return whole;
  }

  answer(reply: ForwardReply): void {
    this.reply ??= reply;
    this.wake?.();
  }

  missed(attempt: number, miss: Miss): void {
    if (attempt !== this.attempt) return;
    this.misses.push(miss);
    this.wake?.();
  }

  /** The answer, a miss of the current try, or 'timed out'; `answerOnly` waits out misses (a pause). */
  async next(timeoutMs: number, answerOnly = false): Promise<ForwardReply | Miss> {
    this.misses = [];
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.reply !== undefined) return this.reply;
      const miss = this.misses.shift();
      if (miss !== undefined && !answerOnly) return miss;
      const woke = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(true);
        this.timer = setTimeout(() => resolve(false), Math.max(end - Date.now(), 0));
      });
      this.clear();
      if (!woke) return this.reply ?? 'timed out';
    }
  }

  clear(): void {
    clearTimeout(this.timer);
    this.wake = undefined;
  }
}

/** The owner's name, or undefined when the lookup fails, names none, or takes longer than `ms`. */
async function lookUp(owner: OwnerLookup, ms: number): Promise<{ readonly node: string } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(ms, 0))),
  );
  try {
    return await Promise.race([owner().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retryable: with the wait the client library's pacing of RATE_LIMITED also reads. */
function unavailable(miss: Miss): ProtocolError {
  return makeError('OWNER_UNAVAILABLE', undefined, { reason: miss, retryAfterMs: RETRY_AFTER_MS });
}

function refusalError(refused: 'OVERLOADED' | 'INTERNAL'): ProtocolError {
  if (refused === 'INTERNAL') return makeError('INTERNAL');
  const message =
    'The game session’s server is taking as many requests as it can: wait a moment, then send again.';
  return makeError('RATE_LIMITED', message, { retryAfterMs: RETRY_AFTER_MS });
}
