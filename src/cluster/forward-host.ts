import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { FRAME_LIMITS } from '../protocol/codec.js';
import { PositionsNotReached, type AppliedPositions } from './applied-positions.js';
import {
  encodeReply,
  forwardSubjects,
  Pieces,
  publishInPieces,
  publishRefusal,
  readPieceHeaders,
  type ForwardAnswer,
  type ForwardRefusal,
  type ForwardRequest,
} from './forward-subjects.js';

/**
 * Steps one forwarded request on this node (the lead's runtime): its response frame and positions, or a
 * refusal (`NOT_OWNER` when this node does not own the request's part, or no longer does).
 */
export type ForwardHandler = (request: ForwardRequest) => Promise<ForwardAnswer>;

export interface ForwardHostOptions {
  /** Forwarded requests taken at once, counted from their first piece to their answer. */
  readonly maxInFlight?: number;
  /**
   * This node's applied positions: a request is stepped only once they reach its `after`, and refused
   * `BEHIND` (the forwarder tries again) when they do not within `afterTimeoutMs`.
   */
  readonly applied?: AppliedPositions;
  readonly afterTimeoutMs?: number;
  /** How long the rest of a request in pieces may take to come before its pieces are dropped. */
  readonly piecesTimeoutMs?: number;
}

export const FORWARD_HOST_DEFAULTS = {
  maxInFlight: 256,
  afterTimeoutMs: 2_000,
  piecesTimeoutMs: 10_000,
} as const;

/** The most a forwarded request can take: a client's largest frame, and room for the envelope. */
const MAX_REQUEST_BYTES = 2 * FRAME_LIMITS.maxBytes;

/** A request whose first pieces came and whose last has not. */
interface HalfSent {
  readonly pieces: Pieces;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The owner's side of forwarded requests (CLUSTER-21): it takes the requests other nodes forward to it
 * on `truinlag.node.<me>.requests`, has the handler step each, and answers on the request's reply
 * subject. At most `maxInFlight` are taken at once; more are refused `OVERLOADED` at their first piece,
 * so a flood costs a refusal each, never memory. `stop()` refuses new ones `SHUTTING_DOWN` (the forwarder
 * looks for the part's next owner) and resolves once those in flight have been answered.
 */
export class ForwardHost {
  private readonly subscription: Subscription;
  private readonly partials = new Map<string, HalfSent>();
  private readonly maxInFlight: number;
  private readonly afterTimeoutMs: number;
  private readonly piecesTimeoutMs: number;
  private inFlight = 0;
  private stopping = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly nats: NatsConnection,
    node: string,
    private readonly handler: ForwardHandler,
    private readonly logger: Logger,
    private readonly options: ForwardHostOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? FORWARD_HOST_DEFAULTS.maxInFlight;
    this.afterTimeoutMs = options.afterTimeoutMs ?? FORWARD_HOST_DEFAULTS.afterTimeoutMs;
    this.piecesTimeoutMs = options.piecesTimeoutMs ?? FORWARD_HOST_DEFAULTS.piecesTimeoutMs;
    this.subscription = nats.subscribe(forwardSubjects.requests(node), {
      callback: (_error, message) => this.receive(message),
    });
  }

  /** Forwarded requests taken and not yet answered. */
  get size(): number {
    return this.inFlight;
  }

  /** Takes no new requests (refused `SHUTTING_DOWN`); resolves once every one in flight is answered. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const reply of [...this.partials.keys()]) this.drop(reply, 'SHUTTING_DOWN');
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.subscription.unsubscribe();
  }

  private receive(message: Msg): void {
    const reply = message.reply;
    if (reply === undefined || reply === '') return;
    const fields = readPieceHeaders(message.headers);
    if (fields.piece === 0) {
      if (this.stopping) return this.refuse(reply, 'SHUTTING_DOWN');
      if (this.inFlight >= this.maxInFlight) return this.refuse(reply, 'OVERLOADED');
      this.inFlight++;
      if (!fields.more) return void this.serve(reply, message.data);
      const timer = setTimeout(() => this.drop(reply, 'PIECES_LOST'), this.piecesTimeoutMs);
      this.partials.set(reply, { pieces: new Pieces(), timer });
    }
    // A later piece of a request refused or dropped at an earlier one is not taken.
    const partial = this.partials.get(reply);
    if (partial === undefined) return;
    const whole = partial.pieces.add(fields, message.data);
    if (whole === null) return this.drop(reply, 'PIECES_LOST');
    // No node sends more (it forwards only frames within the limit): something is wrong, not worth memory.
    if (partial.pieces.bytes > MAX_REQUEST_BYTES) return this.drop(reply, 'INTERNAL');
    if (whole === undefined) return;
    clearTimeout(partial.timer);
    this.partials.delete(reply);
    void this.serve(reply, whole);
  }

  /** Steps a whole request (its slot taken) and answers it. */
  private async serve(reply: string, payload: Uint8Array): Promise<void> {
    try {
      const request = JSON.parse(Buffer.from(payload).toString('utf8')) as ForwardRequest;
      await this.options.applied?.waitFor(request.after, this.afterTimeoutMs);
      this.answer(reply, await this.handler(request));
    } catch (error) {
      if (error instanceof PositionsNotReached) return this.answer(reply, { refused: 'BEHIND' });
      this.logger.error({ err: error }, 'a forwarded request failed');
      this.answer(reply, { refused: 'INTERNAL' });
    }
  }

  private answer(reply: string, answer: ForwardAnswer): void {
    try {
      if ('refused' in answer) publishRefusal(this.nats, reply, answer.refused);
      else publishInPieces(this.nats, reply, encodeReply(answer));
    } catch {
      // The connection is closed: the forwarder's attempt times out, and it asks the part's next owner.
    }
    this.release();
  }

  /** Drops the pieces of a request not yet whole, and refuses it. */
  private drop(reply: string, refused: ForwardRefusal): void {
    const partial = this.partials.get(reply);
    if (partial === undefined) return;
    clearTimeout(partial.timer);
    this.partials.delete(reply);
    this.refuse(reply, refused);
    this.release();
  }

  private refuse(reply: string, refused: ForwardRefusal): void {
    try {
      publishRefusal(this.nats, reply, refused);
    } catch {
      // The connection is closed: the forwarder's attempt times out.
    }
  }

  private release(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  }
}
