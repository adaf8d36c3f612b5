import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Actor } from '../engine/handler.js';
import { GLOBAL, partKey, type Part } from '../engine/parts.js';
import { encodeFailure } from '../protocol/encode.js';
import type { Inbound } from '../runtime/inbound.js';
import type { Ownership } from '../runtime/ownership.js';
import type { ReplyKey } from '../runtime/replies.js';
import type { Runtime } from '../runtime/runtime.js';
import { AnswerPeer } from './answer-peer.js';
import type { AppliedPositions } from './applied-positions.js';
import type { ForwardAnswer, ForwardRequest } from './forward-subjects.js';
import {
  FORWARD_DEFAULTS,
  ForwardFailure,
  type OwnerLookup,
  type RequestForwarder,
} from './request-forwarder.js';

/**
 * Which parts this node steps, and where the others go (CLUSTER-22). A request, a job's result or a
 * step's report of a part the node does not own is forwarded to the part's owner with what this node's
 * copy has applied; the owner's answer is given to the client once this node's copy has applied the
 * answer's entry, so the client has its broadcasts first, as on one node. The owner's side (`host`)
 * steps a forwarded request as a request of its own, from a connection that stands for the forwarding
 * node's client.
 */
export class PartRouter implements Ownership {
  private readonly owned = new Set<string>();
  private runtime: Runtime | undefined;
  /** Numbers the owner's connections of forwarded requests (one request may be forwarded twice at once). */
  private forwarded = 0;

  constructor(
    private readonly forwarder: RequestForwarder,
    private readonly applied: AppliedPositions,
    /** The part's owner now, as the leases say. */
    private readonly ownerOf: (part: Part) => OwnerLookup,
    /** Per part held, the last sequence this node appended (its writer's). */
    private readonly appended: () => Readonly<Record<string, number>>,
    /** This node's name: the reply keys of its forwarded reports are its own (`report/<node>`). */
    private readonly node: string,
    private readonly logger: Logger,
  ) {}

  /** The runtime whose requests this router routes (set once it exists). */
  serve(runtime: Runtime): void {
    this.runtime = runtime;
  }

  /**
   * True for the parts this node holds, and, when it holds the global part, for a session its copy does
   * not know: the global part's holder knows every session, so its engine refuses a request naming none.
   */
  owns(part: Part): boolean {
    if (part.kind === 'session' && this.runtime?.current.tables.session.has(part.session) === false)
      return this.owned.has(partKey(GLOBAL));
    return this.owned.has(partKey(part));
  }

  /** The parts this node steps now. */
  get parts(): readonly string[] {
    return [...this.owned];
  }

  own(part: string): void {
    this.owned.add(part);
    this.runtime?.ownershipChanged();
  }

  disown(part: string): void {
    this.owned.delete(part);
    this.runtime?.ownershipChanged();
  }

  route(item: Inbound, part: Part): void {
    const reply = item.reply;
    if (reply === undefined) {
      // A due timer of a part this node just gave up: its new owner fires it.
      if (item.command.type !== 'timer.fire') this.forwardReport(item, part);
      return;
    }
    void this.forwarder.forward(this.ownerOf(part), this.requestOf(item, part, reply)).then(
      (answer) => this.runtime?.answerRouted(item, answer.frame),
      (error: unknown) => {
        const failure = error instanceof ForwardFailure ? error.error : undefined;
        const frame = encodeFailure(reply.requestId, failure ?? { code: 'INTERNAL', message: String(error) });
        this.runtime?.answerRouted(item, frame);
      },
    );
  }

  /**
   * The engine's own item without a reply key, of a part held elsewhere — a step's report, such as a
   * global step's `session.announce` for a session another node holds (CLUSTER-22) — goes to its holder
   * like a request, under a reply key of its own: a forward tried again is answered from the holder's log
   * (IDEMPOTENCY-1), so the report runs once. Nobody waits for its answer; a holder busy with as many
   * forwarded requests as it takes is asked again after the wait it names, and a report that reaches no
   * holder by the forwarder's deadline is logged.
   */
  private forwardReport(item: Inbound, part: Part): void {
    const request = this.requestOf(item, part, { clientKey: `report/${this.node}`, requestId: randomUUID() });
    const deadline = Date.now() + FORWARD_DEFAULTS.deadlineMs;
    const send = async (): Promise<void> => {
      for (;;) {
        try {
          await this.forwarder.forward(this.ownerOf(part), request, { deadlineMs: deadline - Date.now() });
          return;
        } catch (error) {
          const refusal = error instanceof ForwardFailure ? error.error : undefined;
          const waitMs = Number(refusal?.details?.['retryAfterMs'] ?? 0);
          if (refusal?.code !== 'RATE_LIMITED' || Date.now() + waitMs >= deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, waitMs));
        }
      }
    };
    send().catch((error: unknown) =>
      this.logger.warn(
        { err: error, command: item.command.type, part: partKey(part), requestId: request.requestId },
        "a reported step did not reach its part's holder",
      ),
    );
  }

  /** A request for the part's owner: the item as this node's runtime would step it, with what it read. */
  private requestOf(item: Inbound, part: Part, reply: ReplyKey): ForwardRequest {
    return {
      source: item.source,
      part,
      ...(item.session === undefined ? {} : { session: item.session }),
      actor: item.source === 'client' ? (item.actor ?? item.peer.actor) : SYSTEM,
      clientKey: reply.clientKey,
      requestId: reply.requestId,
      command: item.command,
      // What the step reads that this node's client may have seen: a session's step reads its session and
      // the global part; a global step may read any session (the checks of CLUSTER-15 and CLUSTER-17).
      after: this.applied.snapshot(part.kind === 'session' ? [GLOBAL, part] : undefined),
    };
  }

  /** The owner's side: steps a request another node forwarded, if this node owns its part. */
  host = async (request: ForwardRequest): Promise<ForwardAnswer> => {
    const runtime = this.runtime;
    if (runtime === undefined || !this.owns(request.part)) return { refused: 'NOT_OWNER' };
    const peer = new AnswerPeer(`forwarded/${++this.forwarded}`, request.actor);
    runtime.attach(peer);
    try {
      runtime.submit({
        source: 'client',
        peer,
        actor: request.actor,
        reply: { clientKey: request.clientKey, requestId: request.requestId },
        command: request.command,
        session: request.session,
      });
      const frame = await peer.response;
      const key = partKey(request.part);
      return { frame, positions: { [key]: this.appended()[key] ?? 0 } };
    } catch {
      return { refused: 'INTERNAL' };
    } finally {
      runtime.detach(peer);
    }
  };
}

const SYSTEM: Actor = { kind: 'system' };
