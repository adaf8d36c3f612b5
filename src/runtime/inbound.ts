import type { Actor } from '../engine/handler.js';
import type { Command } from '../protocol/commands/index.js';
import type { CommitResult } from '../store/store.js';
import type { Peer } from './peer.js';
import type { ReplicatedBatch } from './replicated.js';
import type { ReplyKey } from './replies.js';

/** A request for the engine: a client's, or the engine's own (timers, jobs, reports). */
export type Inbound =
  | {
      readonly source: 'client';
      readonly peer: Peer;
      /** Who the request runs as: the connection's role when it was sent (default: the peer's now). */
      readonly actor?: Actor;
      readonly reply: ReplyKey;
      readonly command: Command;
      readonly session: number | undefined;
    }
  | {
      readonly source: 'system';
      readonly command: Command;
      readonly session?: number;
      /** A job's result answers the request that started it. */
      readonly reply?: ReplyKey;
    };

/** Another node's batch of a part this node does not own, to apply to this copy (replicated.ts). */
export interface ReplicaItem {
  readonly source: 'replica';
  readonly batch: ReplicatedBatch;
  /** Told once the batch is durable in the local store and released, or that it was not. */
  readonly done: (result: CommitResult) => void;
}

/** One item of the engine's single queue: a request to step, or a replicated batch to apply. */
export type Queued = Inbound | ReplicaItem;

const SYSTEM: Actor = { kind: 'system' };

/** Who a request runs as: its client's role (the one it was sent with), or the system. */
export const actorOf = (item: Inbound): Actor =>
  item.source === 'client' ? (item.actor ?? item.peer.actor) : SYSTEM;
