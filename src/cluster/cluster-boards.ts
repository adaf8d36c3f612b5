import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { BoardsElsewhere } from '../runtime/connection-board.js';
import { mergeBoards, type Board } from './board-merge.js';
import {
  forwardSubjects,
  isNoResponders,
  Pieces,
  publishInPieces,
  readPieceHeaders,
} from './forward-subjects.js';

/** How long the node answering `admin.connections` waits for the other nodes' boards (CLUSTER-24). */
export const BOARDS_DEADLINE_MS = 1_000;

/**
 * The connection boards of a cluster whose parts are owned apart (CLUSTER-24), where every node serves its
 * own clients: each node answers `truinlag.node.<me>.connections` with its board, and the node a game
 * master asks gathers every live node's at once and merges them. A board is bounded (open connections, and
 * 50 ended ones) but can be larger than one NATS message: it travels in pieces as a forwarded answer does.
 * A node that has not answered by the deadline is left out (and logged): the answer never waits longer.
 *
 * So that a dashboard follows every node live, each node publishes on `truinlag.boards.changed` (core NATS:
 * a board is no durable state) when its own board moved, and counts the other nodes' publications: the
 * runtime adds that count to its own board's version (`heard`) and notices its admins of each.
 */
export class ClusterBoards implements BoardsElsewhere {
  private readonly subscription: Subscription;
  private readonly changes: Subscription;
  private heardChanges = 0;
  /** This node's board version last published. */
  private told = 0;
  private changed: () => void = () => undefined;

  constructor(
    private readonly nats: NatsConnection,
    private readonly node: string,
    /** This node's board; undefined while its server is not serving yet (then nothing is answered). */
    private readonly board: () => Board | undefined,
    /** The nodes live as of the leases' last look (this one among them or not). */
    private readonly liveNodes: () => readonly string[],
    private readonly logger: Logger,
    private readonly deadlineMs = BOARDS_DEADLINE_MS,
  ) {
    this.subscription = nats.subscribe(forwardSubjects.connections(node), {
      callback: (_error, message) => this.answer(message),
    });
    this.changes = nats.subscribe(forwardSubjects.boardsChanged, {
      callback: (_error, message) => {
        if (message.string() === this.node) return;
        this.heardChanges++;
        this.changed();
      },
    });
  }

  get heard(): number {
    return this.heardChanges;
  }

  listen(changed: () => void): void {
    this.changed = changed;
  }

  tell(version: number): void {
    if (version <= this.told) return;
    this.told = version;
    try {
      this.nats.publish(forwardSubjects.boardsChanged, this.node);
    } catch {
      // The connection is closed: this node is starting over, and its admins reconnect and read anew.
    }
  }

  stop(): void {
    this.subscription.unsubscribe();
    this.changes.unsubscribe();
  }

  /** The cluster's board: `local` (this node's) and every other live node's that came within the deadline. */
  async gather(local: Board): Promise<Board> {
    const others = [...new Set(this.liveNodes())].filter((node) => node !== this.node);
    const boards = others.length === 0 ? new Map<string, Board>() : await this.ask(others);
    const missing = others.filter((node) => !boards.has(node));
    if (missing.length > 0)
      this.logger.warn({ nodes: missing }, 'nodes did not tell their connections in time: left out');
    return mergeBoards(
      { node: this.node, board: local },
      [...boards].map(([node, board]) => ({ node, board })),
    );
  }

  private answer(message: Msg): void {
    const board = this.board();
    if (message.reply === undefined || message.reply === '' || board === undefined) return;
    try {
      publishInPieces(this.nats, message.reply, Buffer.from(JSON.stringify(board)));
    } catch {
      // The connection is closed: the asking node leaves this one out at its deadline.
    }
  }

  /** Asks `nodes` at once, each on its own reply subject; resolves with the boards whole by the deadline. */
  private ask(nodes: readonly string[]): Promise<Map<string, Board>> {
    const inbox = createInbox();
    const boards = new Map<string, Board>();
    const pieces = new Map<string, Pieces>();
    /** Nodes that answered, or cannot any more (nobody listens, a piece was lost, the board was unreadable). */
    const settled = new Set<string>();
    return new Promise((resolve) => {
      let subscription: Subscription | undefined;
      const done = (): void => {
        clearTimeout(timer);
        subscription?.unsubscribe();
        resolve(boards);
      };
      const timer = setTimeout(done, this.deadlineMs);
      const receive = (message: Msg): void => {
        const node = message.subject.slice(inbox.length + 1);
        if (!nodes.includes(node) || settled.has(node)) return;
        const joined = pieces.get(node) ?? new Pieces();
        pieces.set(node, joined);
        const whole = isNoResponders(message)
          ? null
          : joined.add(readPieceHeaders(message.headers), message.data);
        if (whole === undefined) return;
        settled.add(node);
        if (whole !== null) {
          try {
            boards.set(node, JSON.parse(whole.toString('utf8')) as Board);
          } catch (error) {
            this.logger.warn({ err: error, node }, 'a node told an unreadable connection board');
          }
        }
        if (settled.size === nodes.length) done();
      };
      try {
        subscription = this.nats.subscribe(`${inbox}.*`, { callback: (_error, message) => receive(message) });
        for (const node of nodes)
          this.nats.publish(forwardSubjects.connections(node), '', { reply: `${inbox}.${node}` });
      } catch (error) {
        this.logger.warn({ err: error }, 'asking the nodes for their connections failed');
        done();
      }
    });
  }
}
