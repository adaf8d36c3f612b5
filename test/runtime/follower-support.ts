import { pino } from 'pino';
import { partKey, type Part } from '../../src/engine/parts.js';
import type { EngineState } from '../../src/engine/state.js';
import type { BroadcastEvent } from '../../src/protocol/broadcasts.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { actorOf, type Inbound } from '../../src/runtime/inbound.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { decodeReplicated, encodeReplicated } from '../../src/runtime/replicated.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { TurnBatch, type PartBatch } from '../../src/runtime/turn-batch.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { toStateDocument } from '../../src/store/state-json.js';
import type {
  CommitBatch,
  CommitResult,
  MutableState,
  StoredBlob,
  StoreWriter,
} from '../../src/store/store.js';
import {
  MemoryPeer,
  type Call,
  type GameDriver,
  type Reply,
  type SeenBroadcast,
} from '../game/support/drivers.js';
import { waitFor } from '../helpers/index.js';

const silent = pino({ level: 'silent' });

/** A state as the durability tests compare it: its document, and the streams' positions. */
export const stateText = (state: EngineState): string =>
  JSON.stringify([toStateDocument(state), [...state.streams].sort(([a], [b]) => a.localeCompare(b))]);

/**
 * One node of a test cluster without the cluster (CLUSTER-18): a `Runtime` on its own SQLite store and
 * fake clock that owns the parts `owns` says. After each durable commit, its own part batches go, as the
 * log's text, to its `followers`' `applyReplicated`, in commit order; items it does not own are recorded
 * in `routed` and handed to `router`. Players connected here are connected on its `twins` too, under the
 * same connection ids, so their frames can be compared.
 */
export class FollowerNode implements GameDriver {
  readonly clock: FakeClock;
  readonly store: SqliteStore;
  readonly runtime: Runtime;
  readonly admin: MemoryPeer;
  readonly routed: { readonly item: Inbound; readonly part: string }[] = [];
  readonly followers: FollowerNode[] = [];
  readonly twins: FollowerNode[] = [];
  /** Each durable commit of this node: the batch its store got, and its own part batches. */
  readonly commits: { readonly batch: CommitBatch; readonly parts: readonly PartBatch[] }[] = [];
  /** What each replicated batch this node applied came to. */
  readonly applied: CommitResult[] = [];
  router: ((item: Inbound, part: Part) => void) | undefined;
  private readonly players = new Map<number, MemoryPeer>();
  private applying = 0;
  private readonly fedBy = new Map<FollowerNode, number>();
  private readonly appliedFrom = new Map<FollowerNode, number>();
  private readonly waiting: { source: FollowerNode; mark: number; connect: () => void }[] = [];

  constructor(
    readonly name: string,
    dataDir: string,
    start: number,
    initial: MutableState,
    public owns: (part: Part) => boolean,
    busyTimeoutMs?: number,
  ) {
    this.clock = new FakeClock(start);
    this.store = SqliteStore.open(dataDir);
    this.store.replaceState(initial, JSON.stringify(toStateDocument(initial)));
    const openWriter = this.store.openWriter.bind(this.store);
    this.store.openWriter = (busyTimeoutMs) =>
      new ReplicatingWriter(openWriter(busyTimeoutMs), (batch, parts) => this.append(batch, parts));
    this.runtime = new Runtime({
      store: this.store,
      clock: this.clock,
      logger: silent,
      ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }),
      ownership: {
        owns: (part) => this.owns(part),
        route: (item, part) => {
          this.routed.push({ item, part: partKey(part) });
          this.router?.(item, part);
        },
      },
    });
    this.admin = new MemoryPeer(this.runtime, `${name}/admin`, { kind: 'admin' }, null);
  }

  now(): number {
    return this.clock.now();
  }

  state(): EngineState {
    return this.runtime.current;
  }

  /** The state as the durability tests compare it: its document, and the streams' positions. */
  stateText(): string {
    return stateText(this.runtime.current);
  }

  peer(actor: Call['as']): MemoryPeer {
    if (actor === undefined || actor.kind === 'admin') return this.admin;
    if (actor.kind !== 'player') throw new Error(`no connection for a ${actor.kind}`);
    const peer = this.players.get(actor.player);
    if (peer === undefined) throw new Error(`player ${actor.player} is not connected to ${this.name}`);
    return peer;
  }

  /** Every connection: the game master's (`admin`) and the players' (`p<id>`). */
  connections(): Map<string, MemoryPeer> {
    return new Map([
      ['admin', this.admin],
      ...[...this.players].map(([id, peer]) => [`p${id}`, peer] as const),
    ]);
  }

  async call(call: Call): Promise<Reply> {
    const peer = this.peer(call.as);
    return await peer.answer(peer.submit(call.command, call.session));
  }

  async callAll(calls: readonly Call[]): Promise<Reply[]> {
    return await Promise.all(calls.map((call) => this.call(call)));
  }

  /** Advances the clock (due timers of owned parts go into the mailbox), then waits for a whole-state read. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    const reply = await this.call({ command: { type: 'state.get' } });
    if (!reply.ok) throw new Error('flush failed');
  }

  broadcasts(): readonly SeenBroadcast[] {
    return this.admin.inbox.all.flatMap((m) =>
      m.type === 'broadcast' ? [{ session: m.session, event: m.event }] : [],
    );
  }

  connectPlayer(player: number, session: number): void {
    this.connect(player, session);
    for (const twin of this.twins) twin.connectOnceApplied(this, player, session);
  }

  private connect(player: number, session: number): void {
    const peer = new MemoryPeer(this.runtime, `${this.name}/p${player}`, { kind: 'player', player }, session);
    this.players.set(player, peer);
  }

  /**
   * Connects a player here at the point of this node's log where `source` connected it: once every batch
   * `source` had fed here by then is applied (so both connections get the same broadcasts from then on).
   */
  private connectOnceApplied(source: FollowerNode, player: number, session: number): void {
    const mark = this.fedBy.get(source) ?? 0;
    this.waiting.push({ source, mark, connect: () => this.connect(player, session) });
    this.connectWaiting();
  }

  private connectWaiting(): void {
    for (const waiting of [...this.waiting])
      if ((this.appliedFrom.get(waiting.source) ?? 0) >= waiting.mark) {
        this.waiting.splice(this.waiting.indexOf(waiting), 1);
        waiting.connect();
      }
  }

  seenBy(player: number): readonly BroadcastEvent[] {
    return this.players.get(player)?.events() ?? [];
  }

  /** Applies `source`'s part batch, read back from its text. */
  feed(source: FollowerNode, text: string): void {
    this.applying++;
    this.fedBy.set(source, (this.fedBy.get(source) ?? 0) + 1);
    this.runtime.applyReplicated(decodeReplicated(text), (result) => {
      this.applied.push(result);
      this.appliedFrom.set(source, (this.appliedFrom.get(source) ?? 0) + 1);
      this.applying--;
      this.connectWaiting();
    });
  }

  /** Resolves once every batch fed so far is applied and released. */
  async caughtUp(): Promise<void> {
    await waitFor(() => this.applying === 0, 10_000, `${this.name} applying its replicated batches`);
  }

  async close(): Promise<void> {
    await this.runtime.shutdown(100);
  }

  private append(batch: CommitBatch, parts: readonly PartBatch[]): void {
    this.commits.push({ batch, parts });
    for (const part of parts) {
      const text = encodeReplicated(part);
      for (const follower of this.followers) follower.feed(this, text);
    }
  }
}

/**
 * The store's real writer, and after each durable commit the turn's own part batches handed on (as the
 * cluster's writer appends them), before the commit's `done` releases the turn.
 */
class ReplicatingWriter implements StoreWriter {
  constructor(
    private readonly writer: StoreWriter,
    private readonly onDurable: (batch: CommitBatch, parts: readonly PartBatch[]) => void,
  ) {}

  get stats(): StoreWriter['stats'] {
    return this.writer.stats;
  }

  get stopped(): Error | undefined {
    return this.writer.stopped;
  }

  commit(batch: CommitBatch, done: (result: CommitResult) => void): void {
    this.writer.commit(batch, (result) => {
      if (result.ok && batch instanceof TurnBatch) this.onDurable(batch, batch.ownParts());
      done(result);
    });
  }

  storeBlobs(blobs: readonly StoredBlob[]): Promise<void> {
    return this.writer.storeBlobs(blobs);
  }

  backup(file: string): ReturnType<StoreWriter['backup']> {
    return this.writer.backup(file);
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/**
 * A router that forwards a routed request to `owner` under the same client identity and request id
 * (so idempotency holds across nodes), from a connection of its own that receives no broadcasts, and
 * gives the owner's response back to `from` (`answerRouted`).
 */
export function forwardTo(from: FollowerNode, owner: FollowerNode): (item: Inbound) => void {
  return (item) => {
    if (item.source !== 'client') {
      owner.runtime.submit(item);
      return;
    }
    const peer = new ForwardPeer(`forwarded/${item.peer.id}/${item.reply.requestId}`, (frame) => {
      owner.runtime.detach(peer);
      from.runtime.answerRouted(item, frame);
    });
    owner.runtime.attach(peer);
    owner.runtime.submit({ ...item, peer, actor: actorOf(item) });
  };
}

/** A forwarded request's connection on the owner: its response goes back, nothing else. */
class ForwardPeer implements Peer {
  readonly actor = { kind: 'system' } as const;
  readonly session = null;
  readonly broadcasts = false;

  constructor(
    readonly id: string,
    private readonly answered: (frame: string) => void,
  ) {}

  send(frame: string, kind: FrameKind): void {
    if (kind === 'response') this.answered(frame);
  }

  close(): void {}
}

/** Waits until no node writes or applies anything more: every batch made is applied everywhere. */
export async function settle(nodes: readonly FollowerNode[]): Promise<void> {
  for (let round = 0; round < 3; round++)
    for (const n of nodes) {
      await n.runtime.writer.idle();
      await n.caughtUp();
    }
}
