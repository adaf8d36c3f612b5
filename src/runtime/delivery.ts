import type { Write } from '../engine/state.js';
import { encodeNotice } from '../protocol/encode.js';
import type { LoggedBroadcast, Store } from '../store/store.js';
import { GLOBAL_STREAM, reaches, streamOf } from './audience.js';
import type { Peer } from './peer.js';

/** Most broadcasts one stream replays on a resume; a client further behind is told to resync. */
const MAX_RESUME = 10_000;

/** What a resume sent: broadcasts replayed, and streams told to resync. */
export interface ResumeCount {
  readonly replayed: number;
  readonly resyncs: number;
}

/** Where a resume reads what a client missed. */
export type BroadcastLog = Pick<Store, 'broadcastsSince' | 'prunedThrough'>;

/**
 * Hands released (committed) frames to connections. It decides who gets a broadcast only from data: the
 * recipients resolved when it was committed, what each connection is, and the logins that committed
 * changes ended; it never reads the game state, so the same could run in a process that has none.
 */
export class Delivery {
  private readonly peers = new Map<string, Peer>();
  /**
   * Per stream, the last sequence number sent out (committed and released). This, not the state's
   * positions (which run ahead while commits are out), is what a client can have: welcomes report it
   * and resumes replay up to it, so a broadcast is never both replayed and sent live, nor skipped.
   */
  private readonly released: Map<string, number>;
  /** Logins (token record ids, never reused) that a released change ended: they receive nothing more. */
  private readonly endedLogins = new Set<number>();

  constructor(positions: ReadonlyMap<string, number>) {
    this.released = new Map(positions);
  }

  attach(peer: Peer): void {
    this.peers.set(peer.id, peer);
  }

  detach(peer: Peer): void {
    this.peers.delete(peer.id);
  }

  /** The connections attached now (a released revocation closes some: see gm-tokens.ts). */
  get attached(): Iterable<Peer> {
    return this.peers.values();
  }

  /** Sends a response to those of the waiting connections that are still attached; `flush`: at once. */
  respond(peerIds: Iterable<string>, frame: string, flush = false): void {
    for (const id of peerIds) {
      const peer = this.peers.get(id);
      peer?.send(frame, 'response');
      if (flush) peer?.flush?.();
    }
  }

  /**
   * A released broadcast: its stream's position moves to it, and it goes to every connection it reaches.
   * With `flush` (the last frame of a release) each connection is flushed right after its frame, so the
   * first recipients have it before the loop has reached the last (rather than all at the end of the
   * turn). Returns how many connections it was handed to.
   */
  publish(b: LoggedBroadcast, flush = false): number {
    this.released.set(b.stream, b.seq);
    let sent = 0;
    for (const peer of this.peers.values())
      if (this.receives(peer, b)) {
        peer.send(b.message, 'broadcast');
        if (flush) peer.flush?.();
        sent++;
      }
    return sent;
  }

  /** Logins a released change ended (`auth.logout`, `player.remove` delete their token records). */
  endLogins(writes: readonly Write[]): void {
    for (const write of writes)
      if (write.op === 'delete' && write.table === 'token') this.endedLogins.add(write.id);
  }

  /** Whether a broadcast goes to a connection: its recipients reach it, and its login has not ended. */
  receives(peer: Peer, b: LoggedBroadcast): boolean {
    const actor = peer.actor;
    if (actor.kind === 'player' && actor.token !== undefined && this.endedLogins.has(actor.token))
      return false;
    return reaches(b.recipients, b.stream, peer);
  }

  /**
   * Where each stream the peer may see stands now (the last released sequence number, 0 before the
   * first broadcast): guests see no stream; players the global one and their session's; admins every
   * one, including every session in `sessions`. Sent in the welcome: a client resumes from these, so a
   * stream it has not received anything on yet is resumable too (RESUME-1).
   */
  positions(peer: Peer, sessions: Iterable<number>): Record<string, number> {
    const streams = new Set<string>();
    if (peer.actor.kind === 'admin') {
      streams.add(GLOBAL_STREAM);
      for (const id of sessions) streams.add(streamOf(id));
      for (const stream of this.released.keys()) streams.add(stream);
    } else if (peer.actor.kind === 'player') {
      streams.add(GLOBAL_STREAM);
      if (peer.session !== null) streams.add(streamOf(peer.session));
    }
    return Object.fromEntries([...streams].map((stream) => [stream, this.released.get(stream) ?? 0]));
  }

  /**
   * Sends a peer what it missed on each stream since the given sequence numbers, oldest first, to the
   * same recipients as live (RESUME-1). A stream the peer may see that `since` does not name is new to it and
   * is sent from its start. The peer is attached first and the replay stops at what was released, so
   * every later broadcast reaches it live, once. Streams whose log no longer reaches back, or that the
   * client claims to be ahead on (the store was restored from an older backup), get a `resync` notice.
   * Admins may name any stream (an unknown one is answered with a resync); others only the streams they
   * may see: positions on any other (a former session) are neither replayed nor answered. Returns how
   * many broadcasts were replayed and how many streams were told to resync.
   */
  resume(
    peer: Peer,
    since: Readonly<Record<string, number>>,
    sessions: Iterable<number>,
    log: BroadcastLog,
  ): ResumeCount {
    const count = { replayed: 0, resyncs: 0 };
    const from: Record<string, number> = peer.actor.kind === 'admin' ? { ...since } : {};
    for (const stream of Object.keys(this.positions(peer, sessions))) from[stream] = since[stream] ?? 0;
    for (const [stream, seq] of Object.entries(from)) {
      const last = this.released.get(stream) ?? 0;
      if (seq === last) continue;
      // Superseded locations (RESUME-3) leave gaps the client needs nothing from; pruned rows it would.
      if (seq > last || seq < log.prunedThrough(stream) || last - seq > MAX_RESUME) {
        peer.send(resyncNotice(stream), 'notice');
        count.resyncs++;
        continue;
      }
      for (const b of log.broadcastsSince(stream, seq, MAX_RESUME)) {
        // Committed but not released yet: it goes out live, to this peer too.
        if (b.seq > last) break;
        if (!this.receives(peer, b)) continue;
        peer.send(b.message, 'broadcast');
        count.replayed++;
      }
    }
    return count;
  }

  /**
   * Tells the admin connections that receive broadcasts that the connection board moved to `version`
   * (OPS-4). A notice, not a broadcast: the board is the runtime's knowledge, never committed or replayed.
   */
  noticeConnections(version: number): void {
    const notice = encodeNotice({ notice: 'connections', version, message: 'The connections changed.' });
    for (const peer of this.peers.values())
      if (peer.actor.kind === 'admin' && peer.broadcasts !== false) peer.send(notice, 'notice');
  }

  /** Tells every connection the server is going and closes it. */
  closeAll(): void {
    const notice = encodeNotice({ notice: 'shutdown', message: 'The server is shutting down.' });
    for (const peer of this.peers.values()) {
      peer.send(notice, 'notice');
      peer.close(1001, 'server shutting down');
    }
    this.peers.clear();
  }
}

function resyncNotice(stream: string): string {
  return encodeNotice({
    notice: 'resync',
    stream,
    message: 'Missed broadcasts are no longer kept: take a fresh state snapshot and continue from its seq.',
  });
}
