import { describe, expect, it } from 'vitest';
import {
  hasPending,
  type ActionDraft,
  type CommandAction,
  type OutboxEntry,
  type PhotoAction,
} from '../../web/src/outbox/actions.js';
import { Outbox, Unreachable, type Answer, type OutboxStore } from '../../web/src/outbox/outbox.js';

/** The phone's storage, surviving "reloads" (new Outbox objects over the same store). */
class MemoryStore implements OutboxStore {
  readonly rows = new Map<string, OutboxEntry>();
  readonly log: string[] = [];
  all(): Promise<OutboxEntry[]> {
    return Promise.resolve([...this.rows.values()].map((e) => structuredClone(e)));
  }
  put(entry: OutboxEntry): Promise<void> {
    this.log.push(`put ${entry.id} ${entry.state}`);
    this.rows.set(entry.id, structuredClone(entry));
    return Promise.resolve();
  }
  delete(id: string): Promise<void> {
    this.rows.delete(id);
    return Promise.resolve();
  }
}

/**
 * A server that applies each request id once (IDEMPOTENCY-1) and answers repeats with the first answer, reached
 * over a connection that can drop: while `online` is false nothing arrives, and the next
 * `dropAfterApplying` sends are applied but their answers lost with the connection; such sends reject
 * with Unreachable.
 */
class FakeServer {
  online = false;
  dropAfterApplying = 0;
  readonly applied: string[] = [];
  readonly answers = new Map<string, Answer>();
  refuse = new Set<string>();
  uploadsUnreachable = 0;

  receive(id: string, what: string, log: string[]): Promise<Answer> {
    log.push(`send ${id}`);
    if (!this.online) return Promise.reject(new Unreachable());
    let answer = this.answers.get(id);
    if (answer === undefined) {
      answer = this.refuse.has(what)
        ? { ok: false, error: { code: 'BAD_DATA', message: 'stale' } }
        : { ok: true, result: { id } };
      if (answer.ok) this.applied.push(what);
      this.answers.set(id, answer);
    }
    if (this.dropAfterApplying > 0) {
      // Applied, but the connection drops before the answer arrives (a tunnel).
      this.dropAfterApplying--;
      this.online = false;
      return Promise.reject(new Unreachable());
    }
    return Promise.resolve(answer);
  }
}

function outboxOn(store: MemoryStore, server: FakeServer): Outbox {
  let n = 0;
  return new Outbox({
    store,
    newId: () => `req-${store.rows.size}-${n++}`,
    now: () => 1_000 + n,
    senders: {
      connected: () => server.online,
      command: (a: CommandAction) => server.receive(a.id, a.label, store.log),
      photo: (a: PhotoAction) => {
        if (server.uploadsUnreachable > 0) {
          server.uploadsUnreachable--;
          return Promise.reject(new Unreachable());
        }
        return server.receive(a.id, a.label, store.log);
      },
    },
  });
}

const complete = (label: string): ActionDraft => ({
  kind: 'complete',
  session: 1,
  label,
  command: { type: 'complete', team: 1, challenge: 7, periodId: 0 },
});
const states = (outbox: Outbox): string[] => outbox.all.map((e) => `${e.label}:${e.state}`);

describe('the offline outbox', () => {
  it('stores an action with its request id before sending it', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    server.online = true;
    const outbox = outboxOn(store, server);
    const entry = await outbox.add(complete('A'));
    await outbox.kick();
    expect(store.log.indexOf(`put ${entry.id} queued`)).toBeLessThan(store.log.indexOf(`send ${entry.id}`));
    expect(states(outbox)).toEqual(['A:done']);
  });

  it('keeps actions queued without a connection and sends them in order once connected', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    const outbox = outboxOn(store, server);
    await outbox.add(complete('A'));
    await outbox.add({
      kind: 'rename',
      session: 1,
      label: 'B',
      command: { type: 'team.rename', team: 1, name: 'B' },
    });
    await outbox.kick();
    expect(states(outbox)).toEqual(['A:queued', 'B:queued']);
    expect(server.applied).toEqual([]);
    server.online = true;
    await outbox.kick();
    expect(states(outbox)).toEqual(['A:done', 'B:done']);
    expect(server.applied).toEqual(['A', 'B']);
  });

  it('re-sends an action whose answer was lost under the same id, after a reload: it takes effect once', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    server.online = true;
    server.dropAfterApplying = 1;
    const first = outboxOn(store, server);
    const entry = await first.add(complete('A'));
    await first.kick();
    expect(states(first)).toEqual(['A:sent']);
    server.online = true;
    const reloaded = outboxOn(store, server);
    await reloaded.load();
    expect(states(reloaded)).toEqual(['A:sent']);
    await reloaded.kick();
    expect(states(reloaded)).toEqual(['A:done']);
    expect(store.log.filter((line) => line === `send ${entry.id}`)).toHaveLength(2);
    expect(server.applied).toEqual(['A']);
  });

  it('shows a refusal with its reason, and never sends a refused action again', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    server.online = true;
    server.refuse.add('A');
    const outbox = outboxOn(store, server);
    await outbox.add(complete('A'));
    await outbox.kick();
    expect(outbox.all[0]).toMatchObject({ state: 'refused', error: { code: 'BAD_DATA', message: 'stale' } });
    const sends = store.log.filter((line) => line.startsWith('send')).length;
    await outbox.kick();
    expect(store.log.filter((line) => line.startsWith('send'))).toHaveLength(sends);
  });

  it('uploads a photo only after its completion is done, and again after a failed upload', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    const outbox = outboxOn(store, server);
    const completion = await outbox.add(complete('A'));
    const photo: ActionDraft = {
      kind: 'photo',
      session: 1,
      label: 'A photo',
      team: 1,
      period: 0,
      photo: new Blob(['jpeg']),
      thumb: 'data:',
      after: completion.id,
    };
    await outbox.add(photo);
    server.uploadsUnreachable = 1;
    await outbox.kick();
    await outbox.photosSettled();
    expect(states(outbox)).toEqual(['A:queued', 'A photo:queued']);
    server.online = true;
    await outbox.kick();
    await outbox.photosSettled();
    expect(states(outbox)).toEqual(['A:done', 'A photo:queued']);
    await outbox.kick();
    await outbox.photosSettled();
    expect(states(outbox)).toEqual(['A:done', 'A photo:done']);
    expect(server.applied).toEqual(['A', 'A photo']);
  });

  it('refuses a photo whose completion was refused', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    server.online = true;
    server.refuse.add('A');
    const outbox = outboxOn(store, server);
    const completion = await outbox.add(complete('A'));
    await outbox.add({
      kind: 'photo',
      session: 1,
      label: 'A photo',
      team: 1,
      period: 0,
      photo: new Blob(['jpeg']),
      thumb: 'data:',
      after: completion.id,
    });
    await outbox.kick();
    await outbox.kick();
    expect(outbox.all.map((e) => [e.label, e.state, e.error?.code])).toEqual([
      ['A', 'refused', 'BAD_DATA'],
      ['A photo', 'refused', 'BAD_DATA'],
    ]);
  });

  it('forgets answered positions at once but keeps other finished actions listed', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    server.online = true;
    const outbox = outboxOn(store, server);
    await outbox.add(complete('A'));
    await outbox.add({
      kind: 'location',
      session: 1,
      label: 'here',
      command: {
        type: 'location.send',
        location: { lat: 47, lon: 8, accuracy: 5, heading: null, speed: null, timestamp: 1 },
      },
    });
    await outbox.kick();
    expect(states(outbox)).toEqual(['A:done']);
    expect([...store.rows.values()].map((e) => e.label)).toEqual(['A']);
  });

  it('holds an app update back while an action is queued, sent or its photo waits, not once answered or refused', async () => {
    const store = new MemoryStore();
    const server = new FakeServer();
    server.refuse.add('B');
    const outbox = outboxOn(store, server);
    expect(hasPending(outbox.all)).toBe(false);
    const a = await outbox.add(complete('A'));
    await outbox.add({
      kind: 'photo',
      session: 1,
      label: 'A photo',
      team: 1,
      period: 0,
      photo: new Blob(['x']),
      thumb: '',
      after: a.id,
    });
    expect(hasPending(outbox.all)).toBe(true);
    server.online = true;
    server.uploadsUnreachable = 1;
    await outbox.kick();
    await outbox.photosSettled();
    expect(states(outbox)).toEqual(['A:done', 'A photo:queued']);
    expect(hasPending(outbox.all)).toBe(true);
    await outbox.kick();
    await outbox.photosSettled();
    expect(hasPending(outbox.all)).toBe(false);
    await outbox.add(complete('B'));
    await outbox.kick();
    expect(outbox.all.at(-1)?.state).toBe('refused');
    expect(hasPending(outbox.all)).toBe(false);
  });
});
