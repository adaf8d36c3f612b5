import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/runtime/mailbox.js';

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the mailbox', () => {
  it('posting never runs a turn at once; one later turn takes everything posted meanwhile', async () => {
    const turns: number[][] = [];
    const mailbox: Mailbox<number> = new Mailbox(() => {
      const taken: number[] = [];
      for (let item = mailbox.take(); item !== undefined; item = mailbox.take()) taken.push(item);
      turns.push(taken);
    });
    for (const item of [1, 2, 3]) mailbox.post(item);
    expect(turns).toEqual([]);
    await nextTick();
    expect(turns).toEqual([[1, 2, 3]]);
    expect(mailbox.size).toBe(0);
  });

  it('what a turn leaves is taken by another turn, after pending I/O, in arrival order', async () => {
    const turns: number[][] = [];
    const between: string[] = [];
    const mailbox: Mailbox<number> = new Mailbox(() => {
      turns.push([mailbox.take() as number]);
      between.push(`turn ${turns.length}`);
      // I/O that arrives during a turn runs before the next turn.
      setImmediate(() => between.push(`io after turn ${turns.length}`));
    });
    for (const item of [1, 2, 3]) mailbox.post(item);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(turns).toEqual([[1], [2], [3]]);
    expect(between.slice(0, 3)).toEqual(['turn 1', 'io after turn 1', 'turn 2']);
  });

  it('a turn whose items were taken meanwhile (by a draining shutdown) does not run', async () => {
    let turns = 0;
    const mailbox = new Mailbox<number>(() => turns++);
    mailbox.post(1);
    expect(mailbox.take()).toBe(1);
    await nextTick();
    expect(turns).toBe(0);
  });
});

describe('the mailbox express lane (PROTOCOL-8)', () => {
  interface Item {
    readonly from: string;
    readonly name: string;
    readonly express: boolean;
  }
  const item = (from: string, name: string, express = false): Item => ({ from, name, express });
  const lanes = { express: (i: Item) => i.express, from: (i: Item) => i.from };
  const drain = (mailbox: Mailbox<Item>): string[] => {
    const taken: string[] = [];
    for (let next = mailbox.take(); next !== undefined; next = mailbox.take()) taken.push(next.name);
    return taken;
  };

  it('[PROTOCOL-8] an express item of another connection is taken before the writes queued ahead of it', () => {
    const mailbox = new Mailbox<Item>(() => undefined, lanes);
    mailbox.post(item('a', 'a-write'));
    mailbox.post(item('b', 'b-write'));
    mailbox.post(item('c', 'c-ping', true));
    mailbox.post(item('a', 'a-write-2'));
    expect(mailbox.size).toBe(4);
    expect(drain(mailbox)).toEqual(['c-ping', 'a-write', 'b-write', 'a-write-2']);
  });

  it("[PROTOCOL-8] an express item keeps its own connection's order behind that connection's writes", () => {
    const mailbox = new Mailbox<Item>(() => undefined, lanes);
    mailbox.post(item('a', 'a-write'));
    mailbox.post(item('a', 'a-ping', true));
    mailbox.post(item('b', 'b-ping', true));
    expect(drain(mailbox)).toEqual(['b-ping', 'a-write', 'a-ping']);
    // Once a's write is taken, a's next ping is express again.
    mailbox.post(item('c', 'c-write'));
    mailbox.post(item('a', 'a-ping-2', true));
    expect(drain(mailbox)).toEqual(['a-ping-2', 'c-write']);
  });

  it('without lanes every item keeps arrival order', () => {
    const mailbox = new Mailbox<Item>(() => undefined);
    mailbox.post(item('a', 'a-write'));
    mailbox.post(item('b', 'b-ping', true));
    expect(drain(mailbox)).toEqual(['a-write', 'b-ping']);
  });
});
