import { describe, expect, it } from 'vitest';
import { makeError } from '../../src/protocol/errors.js';
import { TurnQueue } from '../../src/runtime/turns.js';

const released = (queue: TurnQueue<string>): string[] => {
  const items: string[] = [];
  for (let turn = queue.next(); turn !== undefined; turn = queue.next()) items.push(...turn.items);
  return items;
};

describe('stepped turns', () => {
  it('are released in the order they were stepped, whatever order the disk reports in', () => {
    const queue = new TurnQueue<string>();
    const first = queue.add(['a'], [], false);
    queue.add(['read'], [], true);
    const third = queue.add(['b'], [], false);
    third.committed = true;
    // The read and the third turn wait for the first.
    expect(released(queue)).toEqual([]);
    first.committed = true;
    expect(released(queue)).toEqual(['a', 'read', 'b']);
    expect(queue.size).toBe(0);
  });

  it('a failed commit rolls back its turn and every later one, newest change first, and fails them', () => {
    const memory: string[] = ['base'];
    const change = (value: string): (() => void) => {
      memory.push(value);
      return () => expect(memory.pop()).toBe(value);
    };
    const queue = new TurnQueue<string>();
    const done = queue.add(['done'], [change('d')], false);
    done.committed = true;
    const failed = queue.add(['x'], [change('x1'), change('x2')], false);
    queue.add(['y'], [change('y1')], false);
    expect(released(queue)).toEqual(['done']);
    const failure = makeError('INTERNAL', 'not saved');
    expect(queue.failFrom(failed, failure)).toBe(2);
    expect(memory).toEqual(['base', 'd']);
    const turns = [queue.next(), queue.next()];
    expect(turns.map((t) => [t?.items, t?.failure])).toEqual([
      [['x'], failure],
      [['y'], failure],
    ]);
    // Reported again (the writer refuses what was queued behind): nothing is undone twice.
    expect(queue.failFrom(failed, failure)).toBe(0);
  });
});
