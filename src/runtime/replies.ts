import { encodeResponse } from '../protocol/encode.js';
import type { AnsweredRequest } from '../store/store.js';
import { AnsweredIndex, type AnsweredKeyPages } from './answered-index.js';
import type { Peer } from './peer.js';

/** Where a response goes: the request's client identity and its id. */
export interface ReplyKey {
  readonly clientKey: string;
  readonly requestId: string;
}

/** Looks up the kept answer, without its envelope, to an answered request (the store's `keptAnswer`). */
export type StoredAnswer = (client: string, request: string) => string | undefined;

/**
 * Idempotency (IDEMPOTENCY-1): every request id is run once. A request id already answered gets its stored
 * response; one still being worked on (in this turn, deferred on a job, or waiting for its commit) is
 * joined: the connection that re-sent it gets the same response when it is ready.
 */
export class Replies {
  /** Which requests may have been answered: the store is asked only about those. */
  private readonly answered = new AnsweredIndex();
  /** Requests being worked on, by key: the connections waiting for the response. */
  private readonly inflight = new Map<string, Set<string>>();

  constructor(private readonly stored: StoredAnswer) {}

  /**
   * Learns the answers kept before this start, a page at a time between turns (until then every request
   * is looked up in the store); resolves when done or once `stopped` says so.
   */
  learnKept(pages: AnsweredKeyPages, stopped: () => boolean): Promise<void> {
    return this.answered.fill(pages, keyOf, stopped);
  }

  /**
   * True when the request is not to be run: it was answered (the peer is sent that response now) or is
   * being worked on (the peer will get its response). Otherwise it is now in flight, awaited by the peer.
   */
  joinExisting(peer: Peer, reply: ReplyKey): boolean {
    const key = keyOf(reply);
    const waiting = this.inflight.get(key);
    if (waiting !== undefined) {
      waiting.add(peer.id);
      return true;
    }
    const stored = this.answered.mayContain(key) ? this.stored(reply.clientKey, reply.requestId) : undefined;
    if (stored !== undefined) {
      peer.send(encodeResponse(reply.requestId, stored), 'response');
      return true;
    }
    this.inflight.set(key, new Set([peer.id]));
    return false;
  }

  /**
   * The answer to keep for a request (it goes into the same commit as the request's changes): the
   * response without its envelope, which a re-sent request gets back around it.
   */
  record(reply: ReplyKey, answer: string, at: number): AnsweredRequest {
    this.answered.add(keyOf(reply));
    return { client: reply.clientKey, request: reply.requestId, at, answer };
  }

  /** An answer another node kept (a replicated batch's): a re-send here gets it from the store. */
  learn(answer: AnsweredRequest): void {
    this.answered.add(keyOf({ clientKey: answer.client, requestId: answer.request }));
  }

  /** The connections waiting for the request's response; from now on it is no longer in flight. */
  settle(reply: ReplyKey): ReadonlySet<string> {
    const key = keyOf(reply);
    const waiting = this.inflight.get(key);
    this.inflight.delete(key);
    return waiting ?? NOBODY;
  }
}

const NOBODY: ReadonlySet<string> = new Set();

function keyOf(reply: ReplyKey): string {
  return `${reply.clientKey}\u0000${reply.requestId}`;
}
