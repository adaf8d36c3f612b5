import type { Actor } from '../engine/handler.js';
import type { FrameKind, Peer } from '../runtime/peer.js';

/**
 * A connection the node itself opens to the runtime for one request: it takes the one response and no
 * broadcasts (the id switch of CLUSTER-16 as the engine itself; a forwarded request, CLUSTER-21, as the
 * forwarding node's client, whose broadcasts that node delivers from its copy).
 */
export class AnswerPeer implements Peer {
  readonly session = null;
  readonly broadcasts = false;
  readonly response: Promise<string>;
  private answered: (frame: string) => void = () => undefined;
  private closed: (error: Error) => void = () => undefined;

  constructor(
    readonly id: string,
    readonly actor: Actor,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.answered = resolve;
      this.closed = reject;
    });
  }

  send(frame: string, kind: FrameKind): void {
    if (kind === 'response') this.answered(frame);
  }

  close(_code: number, reason: string): void {
    this.closed(new Error(`The runtime closed the connection ${this.id}: ${reason}`));
  }
}
