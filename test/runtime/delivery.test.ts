import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/handler.js';
import type { Audience } from '../../src/protocol/broadcasts.js';
import { Delivery } from '../../src/runtime/delivery.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { sequence } from '../../src/runtime/sequencer.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { CommitBatch, LoggedBroadcast, MutableState, Store } from '../../src/store/store.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';
import { stateWithPlayers } from './support.js';

const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  removeTempDirs();
});

/** A connection that keeps the texts of the announcements and the notices it is sent. */
class Recorder implements Peer {
  readonly got: string[] = [];
  constructor(
    readonly id: string,
    readonly actor: Actor,
    readonly session: number | null = null,
    readonly broadcasts = true,
  ) {}
  send(frame: string, kind: FrameKind): void {
    const message = JSON.parse(frame) as { event?: { text: string }; notice?: string; stream?: string };
    this.got.push(kind === 'broadcast' ? (message.event?.text ?? '') : `${message.notice} ${message.stream}`);
  }
  close(): void {}
}

/** Player 1 is on team 10 (the catchers), player 2 on team 20; both in session 1. */
const gameState = (): MutableState =>
  stateWithPlayers([
    [1, 10],
    [2, 20],
  ]);

const announce = (
  state: MutableState,
  session: number | null,
  audience: Audience,
  text: string,
  at = 1_000,
): LoggedBroadcast => sequence(state, { session, audience, event: { type: 'announcement', text } }, at, []);

/** A real store with `broadcasts` logged through its writer, then what is older than `prune` pruned. */
async function storeWith(broadcasts: LoggedBroadcast[], prune?: number): Promise<Store> {
  const store = SqliteStore.open(tempDir());
  stores.push(store);
  const writer = store.openWriter();
  const commit = (batch: CommitBatch): Promise<void> =>
    new Promise<void>((resolve, reject) =>
      writer.commit(batch, (result) => (result.ok ? resolve() : reject(result.error))),
    );
  await commit({ writes: [], broadcasts, journal: [], answers: [] });
  if (prune !== undefined) await commit({ writes: [], broadcasts: [], journal: [], answers: [], prune });
  await writer.close();
  return store;
}

/** The usual cast: the game master, both players, a guest and a command-only admin connection. */
function connections(): Record<'admin' | 'catcher' | 'runner' | 'guest' | 'script', Recorder> {
  return {
    admin: new Recorder('admin', { kind: 'admin' }),
    catcher: new Recorder('catcher', { kind: 'player', player: 1, token: 5 }, 1),
    runner: new Recorder('runner', { kind: 'player', player: 2, token: 6 }, 1),
    guest: new Recorder('guest', { kind: 'guest' }),
    script: new Recorder('script', { kind: 'admin' }, null, false),
  };
}

describe('delivery', () => {
  it('sends a released broadcast to every connection its recipients reach, and moves the position', () => {
    const state = gameState();
    const delivery = new Delivery(new Map());
    const peers = connections();
    for (const peer of Object.values(peers)) delivery.attach(peer);
    delivery.publish(announce(state, null, 'all', 'everyone'));
    delivery.publish(announce(state, 1, 'admins', 'admins'));
    delivery.publish(announce(state, 1, { exceptTeams: [10] }, 'hidden from the catchers'));
    delivery.publish(announce(state, 2, 'all', 'other session'));
    expect(peers.admin.got).toEqual(['everyone', 'admins', 'hidden from the catchers', 'other session']);
    expect(peers.catcher.got).toEqual(['everyone']);
    expect(peers.runner.got).toEqual(['everyone', 'hidden from the catchers']);
    expect([peers.guest.got, peers.script.got]).toEqual([[], []]);
    expect(delivery.positions(peers.runner, [1, 2])).toEqual({ global: 1, '1': 2 });
    expect(delivery.positions(peers.admin, [1, 2, 3])).toEqual({ global: 1, '1': 2, '2': 1, '3': 0 });
    expect(delivery.positions(peers.guest, [1])).toEqual({});
  });

  it('a connection whose login a released change ended gets nothing more, live or on resume', async () => {
    const state = gameState();
    const before = announce(state, 1, 'all', 'before');
    const after = announce(state, 1, 'all', 'after');
    const store = await storeWith([before, after]);
    const delivery = new Delivery(new Map([['1', 1]]));
    const loggedOut = new Recorder('old phone', { kind: 'player', player: 2, token: 6 }, 1);
    const otherLogin = new Recorder('new phone', { kind: 'player', player: 2, token: 7 }, 1);
    delivery.attach(loggedOut);
    delivery.attach(otherLogin);
    delivery.endLogins([{ op: 'delete', table: 'token', id: 6 }]);
    delivery.publish(after);
    delivery.resume(loggedOut, { '1': 0 }, [1], store);
    expect(loggedOut.got).toEqual([]);
    expect(otherLogin.got).toEqual(['after']);
    otherLogin.got.length = 0;
    delivery.resume(otherLogin, { '1': 0 }, [1], store);
    expect(otherLogin.got).toEqual(['before', 'after']);
  });

  it('a resume replays the log to the recipients logged with each broadcast, up to what was released', async () => {
    const state = gameState();
    const logged = [
      announce(state, null, 'all', 'g1'),
      announce(state, 1, 'all', 's1'),
      announce(state, 1, { exceptTeams: [10] }, 'hidden'),
      announce(state, 1, 'admins', 'admins'),
      announce(state, 1, 'all', 'committed, not released'),
      announce(state, 2, 'all', 'other session'),
    ];
    const store = await storeWith(logged);
    // Session 1's last broadcast is committed but not released yet.
    const delivery = new Delivery(new Map([...state.streams, ['1', 3]]));
    const peers = connections();
    for (const peer of [peers.catcher, peers.runner, peers.admin]) delivery.resume(peer, {}, [1, 2], store);
    // Streams replay one after the other (sessions first), each in order.
    expect(peers.runner.got).toEqual(['s1', 'hidden', 'g1']);
    expect(peers.catcher.got).toEqual(['s1', 'g1']);
    expect(peers.admin.got).toEqual(['s1', 'hidden', 'admins', 'other session', 'g1']);
    // From a position: only what came after it. A player's position on another session is ignored.
    peers.runner.got.length = 0;
    delivery.resume(peers.runner, { global: 1, '1': 1, '2': 0 }, [1, 2], store);
    expect(peers.runner.got).toEqual(['hidden']);
  });

  it('a stream the log no longer reaches back on, or a client ahead of the server, gets a resync', async () => {
    const state = gameState();
    const logged = [announce(state, 1, 'all', 'one', 500), announce(state, 1, 'all', 'two', 1_000)];
    // Retention took the first out of the log.
    const store = await storeWith(logged, 600);
    const delivery = new Delivery(state.streams);
    const admin = new Recorder('admin', { kind: 'admin' });
    delivery.resume(admin, { '1': 0, '9': 3 }, [1], store);
    expect(admin.got).toEqual(['resync 1', 'resync 9']);
    admin.got.length = 0;
    delivery.resume(admin, { '1': 1 }, [1], store);
    expect(admin.got).toEqual(['two']);
  });
});

describe('flushing connections as a broadcast goes out', () => {
  /** A connection that logs its sends and flushes, in one log shared by all of them. */
  const logging = (id: string, log: string[]): Peer => ({
    id,
    actor: { kind: 'admin' },
    session: null,
    broadcasts: true,
    send: (_frame, kind) => void log.push(`${kind} ${id}`),
    flush: () => void log.push(`flush ${id}`),
    close: () => undefined,
  });

  it('the last broadcast of a release flushes each connection right after its frame, not after the loop', () => {
    const state = gameState();
    const delivery = new Delivery(state.streams);
    const log: string[] = [];
    for (const id of ['a', 'b', 'c']) delivery.attach(logging(id, log));
    delivery.publish(announce(state, null, 'all', 'first'));
    delivery.publish(announce(state, null, 'all', 'last'), true);
    expect(log).toEqual([
      'broadcast a',
      'broadcast b',
      'broadcast c',
      'broadcast a',
      'flush a',
      'broadcast b',
      'flush b',
      'broadcast c',
      'flush c',
    ]);
  });
});
