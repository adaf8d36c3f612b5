import type { KV } from '@nats-io/kv';
import type { LeaseHolder } from './engine-lease.js';
import { withDeadline } from './deadline.js';
import { isWrongLastSequence } from './jetstream-errors.js';
import { partToken } from './part-names.js';
import { rank } from './rendezvous.js';

/** A part's lease key in the lease bucket: `part.global`, `part.session.<id>`. */
export const leaseKeyOf = (part: string): string => `part.${partToken(part)}`;

const NODE_PREFIX = 'node.';

/** Who holds a part's lease, and the term (the create's revision) of the holding: its fencing token. */
export interface PartHolder extends LeaseHolder {
  readonly term: number;
}

/** What the lease manager tells its node. */
export interface PartLeaseEvents {
  /** This node holds `part` from now on, under `term`: take it over (marker), then step it. */
  gained(part: string, term: number): void;
  /**
   * This node no longer holds `part` (a renewal was refused, or none succeeded for 80 % of the lease):
   * stop stepping it at once; its older appends are fenced by the next owner's marker anyway.
   */
  lost(part: string): void;
  /**
   * A live node has ranked above this one for `part` for a whole lease time: stop stepping the part and let
   * its appends finish. The lease is renewed meanwhile and deleted once this resolves.
   */
  handingOver(part: string): Promise<void>;
  /** A lease request failed or was not answered (the next tick tries again). */
  failed(what: string, error: unknown): void;
}

/** The names of the nodes announced in the bucket (keys `node.<name>` not aged out). */
export async function liveNodes(kv: KV): Promise<string[]> {
  const nodes: string[] = [];
  for await (const key of await kv.keys(`${NODE_PREFIX}*`)) nodes.push(key.slice(NODE_PREFIX.length));
  return nodes;
}

/** A part this node holds. */
interface Holding {
  readonly term: number;
  /** The key's last revision written by this node. */
  revision: number;
  /**
   * Until when (`performance.now()`) the holding counts as this node's: 80 % of the lease after the send
   * of the last claim or renewal that succeeded. The key ages out a lease after it was stored, which is
   * after the send: another node can claim the part only later.
   */
  validUntil: number;
  expiry: ReturnType<typeof setTimeout> | undefined;
  /** Since when a live node ranks above this one for the part; undefined while none does. */
  outrankedSince: number | undefined;
  handingOver: boolean;
  /** The part's renewals and its release, one after another: never two requests on the key at once. */
  busy: Promise<void>;
}

/** The share of the lease within which a holder must have renewed, or it counts its part as lost. */
const VALID_SHARE = 0.8;

/**
 * Per-part leases (CLUSTER-20) in the lease bucket, whose TTL (its max age: NATS 2.9 has no per-key TTL)
 * is the lease time. Each node announces itself under `node.<name>` and, every quarter lease, renews the
 * parts it holds (a compare-and-set update on its last revision), claims each part whose key is absent and
 * for which it ranks first among the live nodes (`rank`, a create: its revision is the term), and hands
 * over a part for which a live node has ranked above it for a whole lease. Parts come from `parts` (the
 * global part and the sessions the node knows). A new manager claims nothing in its first half lease, so
 * that nodes starting together see each other before they claim.
 */
export class PartLeases {
  private readonly held = new Map<string, Holding>();
  private readonly holders = new Map<string, PartHolder>();
  /** When `start` was called (`performance.now()`). */
  private started = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The nodes announced in the bucket at the last tick, this one among them. */
  private live: readonly string[] = [];

  constructor(
    private readonly kv: KV,
    private readonly me: LeaseHolder,
    private readonly ttlMs: number,
    private readonly parts: () => readonly string[],
    private readonly events: PartLeaseEvents,
  ) {}

  /** Starts ticking: the first tick announces this node at once. */
  start(): void {
    this.started = performance.now();
    this.schedule(0);
  }

  /** The term under which this node holds `part` now, undefined when it does not. */
  termOf(part: string): number | undefined {
    const holding = this.held.get(part);
    return holding !== undefined && performance.now() < holding.validUntil ? holding.term : undefined;
  }

  /**
   * True while this node holds `part` in `term` and is not handing it over: a takeover still pending for
   * it may go on (CLUSTER-20).
   */
  holds(part: string, term: number): boolean {
    const holding = this.held.get(part);
    return holding?.term === term && !holding.handingOver && this.termOf(part) === term;
  }

  /** The parts this node holds now. */
  heldParts(): string[] {
    return [...this.held.keys()].filter((part) => this.termOf(part) !== undefined);
  }

  /** The nodes announced in the bucket as of the last tick (this one among them), as read then. */
  get liveAtLastTick(): readonly string[] {
    return this.live;
  }

  /** Who holds `part` as of the last tick (or `lookUp`); undefined when nobody did. */
  holderOf(part: string): PartHolder | undefined {
    const term = this.termOf(part);
    return term !== undefined ? { ...this.me, term } : this.holders.get(part);
  }

  /** Reads who holds `part` now (and keeps it for `holderOf`). */
  async lookUp(part: string): Promise<PartHolder | undefined> {
    const entry = await this.kv.get(leaseKeyOf(part));
    if (entry === null || entry.operation !== 'PUT') {
      this.holders.delete(part);
      return undefined;
    }
    // A claim writes no term (its revision is the term); a renewal writes it.
    const value = entry.json<LeaseHolder & { term?: number }>();
    const holder = { node: value.node, url: value.url, term: value.term ?? entry.revision };
    this.holders.set(part, holder);
    return holder;
  }

  /** Stops ticking, gives every part and the node's own key up at once (a clean shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A tick's requests have deadlines; this one only keeps a stop from waiting for ever on a cut connection.
    await withDeadline(this.ticking, this.ttlMs * 2, 'the last lease tick').catch(() => undefined);
    await Promise.all([...this.held].map(([part, holding]) => this.release(part, holding)));
    await this.kv.delete(`${NODE_PREFIX}${this.me.node}`).catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick();
    }, delayMs);
  }

  /** Renews what this node holds, then announces it, reads the bucket, claims and hands over. */
  private async tick(): Promise<void> {
    const began = performance.now();
    await Promise.all([...this.held.keys()].map((part) => this.renew(part)));
    try {
      await this.kv.put(`${NODE_PREFIX}${this.me.node}`, JSON.stringify(this.me));
      const nodes = await withDeadline(liveNodes(this.kv), this.ttlMs, 'listing the live nodes');
      const live = new Set([...nodes, this.me.node]);
      this.live = [...live];
      const parts = this.parts();
      await Promise.all(parts.filter((part) => !this.held.has(part)).map((part) => this.lookUp(part)));
      const claims = parts.map((part) => this.decide(part, rank(part, live)));
      await Promise.all(claims);
    } catch (error) {
      this.events.failed('reading the lease bucket', error);
    }
    this.schedule(Math.max(0, this.ttlMs / 4 - (performance.now() - began)));
  }

  /** Claims `part` when it is free and this node ranks first for it; hands it over when it has not for long. */
  private async decide(part: string, order: readonly string[]): Promise<void> {
    if (this.stopped) return;
    const holding = this.held.get(part);
    const now = performance.now();
    if (holding === undefined) {
      const settled = now - this.started >= this.ttlMs / 2;
      if (settled && order[0] === this.me.node && !this.holders.has(part)) await this.claim(part);
      return;
    }
    if (holding.handingOver) return;
    if (order[0] === this.me.node) holding.outrankedSince = undefined;
    else if (holding.outrankedSince === undefined) holding.outrankedSince = now;
    else if (now - holding.outrankedSince >= this.ttlMs) void this.handOver(part, holding);
  }

  private async claim(part: string): Promise<void> {
    const sent = performance.now();
    try {
      const revision = await this.kv.create(leaseKeyOf(part), JSON.stringify(this.me));
      const holding: Holding = {
        term: revision,
        revision,
        validUntil: 0,
        expiry: undefined,
        outrankedSince: undefined,
        handingOver: false,
        busy: Promise.resolve(),
      };
      this.held.set(part, holding);
      this.renewed(part, holding, sent);
      this.events.gained(part, revision);
    } catch (error) {
      // Another node created it first: nothing to do. A lost answer leaves a key nobody renews: it ages out.
      if (!isWrongLastSequence(error)) this.events.failed(`claiming ${part}`, error);
    }
  }

  /**
   * Renews `part`. A holding past its validity (this process was paused, or renewals went unanswered) is
   * lost without trying: by now another node may hold the part. A refused renewal is lost too.
   */
  private renew(part: string): Promise<void> {
    return this.onKey(part, async (holding) => {
      if (performance.now() >= holding.validUntil) return this.lose(part, holding);
      const sent = performance.now();
      try {
        const value = JSON.stringify({ ...this.me, term: holding.term });
        holding.revision = await this.kv.update(leaseKeyOf(part), value, holding.revision);
        if (this.held.get(part) === holding) this.renewed(part, holding, sent);
      } catch (error) {
        if (isWrongLastSequence(error)) this.lose(part, holding);
        else this.events.failed(`renewing ${part}`, error);
      }
    });
  }

  /** Counts the holding valid until 80 % of the lease after `sent`, and declares it lost then unless renewed. */
  private renewed(part: string, holding: Holding, sent: number): void {
    holding.validUntil = sent + this.ttlMs * VALID_SHARE;
    clearTimeout(holding.expiry);
    holding.expiry = setTimeout(() => {
      if (this.held.get(part) === holding && performance.now() >= holding.validUntil)
        this.lose(part, holding);
    }, holding.validUntil - performance.now());
  }

  private lose(part: string, holding: Holding): void {
    if (this.held.get(part) !== holding) return;
    this.drop(part, holding);
    this.events.lost(part);
  }

  /** Lets the node finish with `part`, then deletes its key (expecting this node's last revision). */
  private async handOver(part: string, holding: Holding): Promise<void> {
    holding.handingOver = true;
    try {
      await this.events.handingOver(part);
    } catch (error) {
      this.events.failed(`handing ${part} over`, error);
    }
    await this.release(part, holding);
  }

  private release(part: string, holding: Holding): Promise<void> {
    return this.onKey(part, async (current) => {
      if (current !== holding) return;
      this.drop(part, holding);
      await this.kv.delete(leaseKeyOf(part), { previousSeq: holding.revision }).catch((error: unknown) => {
        // Not deleted: the key ages out within the lease time.
        this.events.failed(`releasing ${part}`, error);
      });
    });
  }

  private drop(part: string, holding: Holding): void {
    clearTimeout(holding.expiry);
    this.held.delete(part);
  }

  /** Runs `work` on the part's holding after the part's earlier requests, if the part is still held. */
  private onKey(part: string, work: (holding: Holding) => Promise<void> | void): Promise<void> {
    const holding = this.held.get(part);
    if (holding === undefined) return Promise.resolve();
    holding.busy = holding.busy
      .then(async () => {
        if (this.held.get(part) === holding) await work(holding);
      })
      .catch((error: unknown) => this.events.failed(`the lease of ${part}`, error));
    return holding.busy;
  }
}
