import { describe, expect, it } from 'vitest';
import type { TimerRecord } from '../../src/engine/state.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { DurableTimers } from '../../src/runtime/timers.js';

const timer = (id: number, dueAt: number, pausedRemainingMs: number | null = null): TimerRecord => ({
  id,
  dueAt,
  command: { type: 'ping' },
  session: null,
  pausedRemainingMs,
});

describe('durable timers', () => {
  it('fire in due order at start, those due while down first; paused ones do not', () => {
    const clock = new FakeClock(1_000);
    const records = new Map([timer(1, 5_000), timer(2, 500), timer(3, 900, 100)].map((t) => [t.id, t]));
    const fired: number[] = [];
    const timers = new DurableTimers(clock, records, (id) => fired.push(id));
    expect(timers.size).toBe(2);
    timers.rearm();
    clock.advance(0);
    expect(fired).toEqual([2]);
    clock.advance(4_000);
    expect(fired).toEqual([2, 1]);
  });

  it('follow released changes: a written timer is armed, a deleted or fired one is dropped', () => {
    const clock = new FakeClock(0);
    const records = new Map<number, TimerRecord>();
    const fired: number[] = [];
    const timers = new DurableTimers(clock, records, (id) => fired.push(id));
    records.set(1, timer(1, 100));
    timers.released([{ op: 'put', table: 'timer', id: 1, doc: timer(1, 100) }], { type: 'ping' });
    timers.rearm();
    expect(timers.size).toBe(1);
    clock.advance(100);
    expect(fired).toEqual([1]);
    // The engine ran the fire and deleted the record.
    records.delete(1);
    timers.released([{ op: 'delete', table: 'timer', id: 1 }], { type: 'timer.fire', timer: 1 });
    expect(timers.size).toBe(0);
  });

  it('a fire that could not be saved is tried again after a pause', () => {
    const clock = new FakeClock(0);
    const records = new Map([[1, timer(1, 0)]]);
    const fired: number[] = [];
    const timers = new DurableTimers(clock, records, (id) => fired.push(id));
    timers.rearm();
    clock.advance(0);
    expect(fired).toEqual([1]);
    // Not saved: without a retry it would not fire again (it is marked fired).
    timers.retry(1);
    clock.advance(999);
    expect(fired).toEqual([1]);
    clock.advance(1);
    expect(fired).toEqual([1, 1]);
  });
});
