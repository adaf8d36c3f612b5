import type { ConnectionEndReason, ConnectionStatus, EndedConnection } from '../protocol/connections.js';
import type { ResultOf } from '../protocol/commands/index.js';

/** How many ended connections the board remembers (OPS-3). */
export const ENDED_KEPT = 50;

/**
 * The other nodes' connection boards, in a cluster whose parts are owned apart (CLUSTER-24). Their changes
 * move no version of this node's board, so the runtime adds the changes heard to it in what it tells.
 */
export interface BoardsElsewhere {
  /** Every node's board merged with `local` (this node's), keeping its version; resolves within a deadline. */
  gather(local: ResultOf<'admin.connections'>): Promise<ResultOf<'admin.connections'>>;
  /** How many changes of the other nodes' boards this node has heard of (only grows). */
  readonly heard: number;
  /** Calls `changed` whenever another node's board changed. */
  listen(changed: () => void): void;
  /** This node's own board is at `version` (told at most as often as its notices): the others hear of a move. */
  tell(version: number): void;
}

/** An open connection as the board sees it: its id, and how it stands now. */
export interface BoardedConnection {
  readonly id: string;
  status(): ConnectionStatus;
}

/** How a connection ended: who ended it, the close code, the server's words, and the reason they mean. */
export interface ConnectionEnding {
  readonly by: 'server' | 'client';
  readonly code: number;
  readonly text: string;
  readonly reason: ConnectionEndReason;
}

/**
 * Who is connected, and the latest connections that ended and why (OPS-3): the transports tell it when a
 * connection opens, says who it is, and ends, and each open one says how it stands when asked. It is the
 * runtime's own knowledge, beside the engine's state, which never holds connections; the ring of ended
 * ones is bounded. Its version counts those changes, so that admins can be told the board moved (OPS-4).
 */
export class ConnectionBoard {
  private readonly open = new Map<string, BoardedConnection>();
  /** Newest first, at most `keep`. */
  private readonly ended: EndedConnection[] = [];
  private changes = 0;

  constructor(
    private readonly now: () => number,
    private readonly keep = ENDED_KEPT,
    private readonly onChange: (version: number) => void = () => undefined,
  ) {}

  /** How many times a connection opened, said who it is, or ended since the server started. */
  get version(): number {
    return this.changes;
  }

  opened(connection: BoardedConnection): void {
    this.open.set(connection.id, connection);
    this.changed();
  }

  /** A hello decided (again) who the connection is: its row changed. */
  identified(connection: BoardedConnection): void {
    if (this.open.has(connection.id)) this.changed();
  }

  closed(connection: BoardedConnection, end: ConnectionEnding): void {
    if (!this.open.delete(connection.id)) return;
    this.ended.unshift({ ...connection.status(), endedAt: this.now(), ...end });
    if (this.ended.length > this.keep) this.ended.length = this.keep;
    this.changed();
  }

  /** The answer of `admin.connections`. */
  snapshot(): ResultOf<'admin.connections'> {
    return {
      version: this.changes,
      connections: [...this.open.values()].map((c) => c.status()),
      ended: [...this.ended],
    };
  }

  private changed(): void {
    this.changes++;
    this.onChange(this.changes);
  }
}
