import { describe, expect, it } from 'vitest';
import type { AnsweredKeyPages } from '../../src/runtime/answered-index.js';
import type { FrameKind, Peer } from '../../src/runtime/peer.js';
import { Replies, type ReplyKey } from '../../src/runtime/replies.js';

/** A connection that keeps what it is sent. */
class Recorder implements Peer {
  readonly actor = { kind: 'admin' } as const;
  readonly session = null;
  readonly sent: string[] = [];
  constructor(readonly id: string) {}
  send(frame: string, _kind: FrameKind): void {
    this.sent.push(frame);
  }
  close(): void {}
}

const key = (requestId: string, clientKey = 'admin/c'): ReplyKey => ({ clientKey, requestId });

/** The store's pages of kept keys, over a list of keys (all answered at one time, so in list order). */
function pagesOf(keys: readonly ReplyKey[]): AnsweredKeyPages {
  return (after, limit) => {
    const start = after === undefined ? 0 : keys.findIndex((k) => k.requestId === after.requestId) + 1;
    return keys.slice(start, start + limit).map((k) => ({ ...k, at: 1 }));
  };
}

describe('idempotency and in-flight joining (IDEMPOTENCY-1)', () => {
  it('a new request runs; a copy sent while it is in flight joins it and both get the answer', () => {
    const replies = new Replies(() => undefined);
    const first = new Recorder('first');
    const second = new Recorder('second');
    expect(replies.joinExisting(first, key('r1'))).toBe(false);
    expect(replies.joinExisting(second, key('r1'))).toBe(true);
    expect([...replies.settle(key('r1'))]).toEqual(['first', 'second']);
    // Settled: nobody waits any more.
    expect([...replies.settle(key('r1'))]).toEqual([]);
  });

  it('an answered request gets its stored response and does not run again, across restarts', async () => {
    const stored = new Map([['admin/c r0', '{"ok":true,"result":"kept r0"}']]);
    const lookups: string[] = [];
    const lookup = (client: string, request: string): string | undefined => {
      lookups.push(request);
      return stored.get(`${client} ${request}`);
    };
    // Answered before a restart: known from the store's keys.
    const replies = new Replies(lookup);
    await replies.learnKept(pagesOf([key('r0')]), () => false);
    const peer = new Recorder('p');
    expect(replies.joinExisting(peer, key('r0'))).toBe(true);
    // The answer is kept without its envelope, and sent again in one (encode.ts).
    expect(peer.sent).toEqual(['{"type":"response","id":"r0","ok":true,"result":"kept r0"}']);
    // Answered now: recorded with the commit, then found the same way.
    expect(replies.joinExisting(peer, key('r1'))).toBe(false);
    expect(replies.record(key('r1'), '{"ok":false,"error":"r1"}', 42)).toEqual({
      client: 'admin/c',
      request: 'r1',
      at: 42,
      answer: '{"ok":false,"error":"r1"}',
    });
    replies.settle(key('r1'));
    stored.set('admin/c r1', '{"ok":false,"error":"r1"}');
    expect(replies.joinExisting(peer, key('r1'))).toBe(true);
    expect(peer.sent.at(-1)).toBe('{"type":"response","id":"r1","ok":false,"error":"r1"}');
    // The store is asked only about ids that may have been answered: never about r1 before it was.
    expect(lookups).toEqual(['r0', 'r1']);
  });

  it('while the kept keys are still being read, every request is looked up in the store', async () => {
    const lookups: string[] = [];
    const replies = new Replies((_client, request) => {
      lookups.push(request);
      return request === 'r0' ? '{"ok":true}' : undefined;
    });
    const kept = Array.from({ length: 12_345 }, (_, i) => key(`k${i}`));
    const learning = replies.learnKept(pagesOf([key('r0'), ...kept]), () => false);
    const peer = new Recorder('p');
    // Nothing read yet: r0 is still found (through the store), and a new id is asked about too.
    expect(replies.joinExisting(peer, key('r0'))).toBe(true);
    expect(replies.joinExisting(peer, key('new-1'))).toBe(false);
    expect(lookups).toEqual(['r0', 'new-1']);
    await learning;
    // Every kept key read (across pages): only those that may have been answered are asked about.
    expect(replies.joinExisting(peer, key('k12344'))).toBe(false);
    expect(replies.joinExisting(peer, key('new-2'))).toBe(false);
    expect(lookups).toEqual(['r0', 'new-1', 'k12344']);
  });

  it('reading the kept keys stops when told, and then every request is still looked up', async () => {
    const lookups: string[] = [];
    const replies = new Replies((_client, request) => {
      lookups.push(request);
      return undefined;
    });
    let pagesRead = 0;
    const pages = pagesOf(Array.from({ length: 20_000 }, (_, i) => key(`k${i}`)));
    await replies.learnKept(
      (after, limit) => {
        pagesRead++;
        return pages(after, limit);
      },
      () => pagesRead >= 1,
    );
    expect(pagesRead).toBe(1);
    expect(replies.joinExisting(new Recorder('p'), key('new'))).toBe(false);
    expect(lookups).toEqual(['new']);
  });

  it('the same request id from another client is another request', () => {
    const replies = new Replies(() => undefined);
    expect(replies.joinExisting(new Recorder('a'), key('same', 'admin/a'))).toBe(false);
    expect(replies.joinExisting(new Recorder('b'), key('same', 'admin/b'))).toBe(false);
  });
});
