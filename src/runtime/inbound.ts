import type { Actor } from '../engine/handler.js';
import type { Command } from '../protocol/commands/index.js';
import type { Peer } from './peer.js';
import type { ReplyKey } from './replies.js';

/** One item of the engine's single inbound queue: a client's request, or the engine's own (timers, jobs). */
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
