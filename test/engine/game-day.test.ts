import { describe, expect, it } from 'vitest';
import { gameDayOf } from '../../src/engine/game/game-day.js';

/** START-5 on its own: which game day a start belongs to, in Europe/Zurich. */
const ZH = 'Europe/Zurich';
const utc = (iso: string): number => Date.parse(`${iso}Z`);
/** Tuesday 16 June 2026 and the days around it, in CEST (UTC+2). */
const june = (day: number, hhmm: string): number => Date.parse(`2026-06-${day}T${hhmm}:00+02:00`);
const refused = (endedAt: number): unknown => expect.objectContaining({ ok: false, endedAt });
const endsAt = (at: number): unknown => ({ ok: true, endsAt: at });

describe('a same-day game (end 17:00)', () => {
  const start = (at: number): unknown => gameDayOf(at, '17:00', ZH);

  it('starts before the end and ends at the end time that day', () => {
    expect(start(june(16, '09:00'))).toEqual(endsAt(june(16, '17:00')));
    expect(start(june(16, '16:59'))).toEqual(endsAt(june(16, '17:00')));
  });

  it('is refused from the end time up to exactly 12 hours after it', () => {
    expect(start(june(16, '17:00'))).toEqual(refused(june(16, '17:00')));
    expect(start(june(16, '23:30'))).toEqual(refused(june(16, '17:00')));
    expect(start(june(17, '04:59'))).toEqual(refused(june(16, '17:00')));
    expect(start(june(17, '05:00'))).toEqual(refused(june(16, '17:00')));
    expect(start(june(17, '05:00'))).toMatchObject({ startsAfter: june(17, '05:00') });
  });

  it('one minute later is an early start of the next game day', () => {
    expect(start(june(17, '05:01'))).toEqual(endsAt(june(17, '17:00')));
  });
});

describe('an overnight game (22:00–00:20)', () => {
  const start = (at: number): unknown => gameDayOf(at, '00:20', ZH);

  it('[START-5] started at 00:27 is refused; at 15:00 it runs until 00:20 that night', () => {
    expect(start(june(17, '00:27'))).toEqual(refused(june(17, '00:20')));
    expect(start(june(17, '15:00'))).toEqual(endsAt(june(18, '00:20')));
  });

  it('started during the game window it ends that night', () => {
    expect(start(june(16, '22:00'))).toEqual(endsAt(june(17, '00:20')));
    expect(start(june(17, '00:19'))).toEqual(endsAt(june(17, '00:20')));
  });

  it('has its boundary exactly 12 hours after the end: 12:20 refused, 12:21 starts', () => {
    expect(start(june(17, '12:19'))).toEqual(refused(june(17, '00:20')));
    expect(start(june(17, '12:20'))).toEqual(refused(june(17, '00:20')));
    expect(start(june(17, '12:21'))).toEqual(endsAt(june(18, '00:20')));
  });
});

describe('across the DST switches the 12 hours are real hours', () => {
  it('spring: after a Saturday ending 18:00 CET, Sunday 07:00 CEST is 12 h later (refused), 07:01 starts', () => {
    const start = (at: number): unknown => gameDayOf(at, '18:00', ZH);
    const saturdayEnd = utc('2026-03-28T17:00:00');
    expect(start(utc('2026-03-29T04:59:00'))).toEqual(refused(saturdayEnd)); // 06:59 CEST
    expect(start(utc('2026-03-29T05:00:00'))).toEqual(refused(saturdayEnd)); // 07:00 CEST
    expect(start(utc('2026-03-29T05:01:00'))).toEqual(endsAt(utc('2026-03-29T16:00:00'))); // 18:00 CEST
  });

  it('autumn: after a Saturday ending 18:00 CEST, Sunday 05:00 CET is 12 h later (refused), 05:01 starts', () => {
    const start = (at: number): unknown => gameDayOf(at, '18:00', ZH);
    const saturdayEnd = utc('2026-10-24T16:00:00');
    expect(start(utc('2026-10-25T03:59:00'))).toEqual(refused(saturdayEnd)); // 04:59 CET
    expect(start(utc('2026-10-25T04:00:00'))).toEqual(refused(saturdayEnd)); // 05:00 CET
    expect(start(utc('2026-10-25T04:01:00'))).toEqual(endsAt(utc('2026-10-25T17:00:00'))); // 18:00 CET
  });

  it('an end time in the skipped hour (02:30 on 29 March) ends the game at 03:30 CEST', () => {
    const start = (at: number): unknown => gameDayOf(at, '02:30', ZH);
    const end = utc('2026-03-29T01:30:00');
    expect(start(utc('2026-03-28T14:00:00'))).toEqual(endsAt(end)); // Saturday 15:00 CET
    expect(start(utc('2026-03-29T01:29:00'))).toEqual(endsAt(end)); // 03:29 CEST
    expect(start(utc('2026-03-29T13:30:00'))).toEqual(refused(end)); // 15:30 CEST, 12 h after
    expect(start(utc('2026-03-29T13:31:00'))).toEqual(endsAt(utc('2026-03-30T00:30:00')));
  });

  it('an end time in the repeated hour (02:30 on 25 October) is its first occurrence', () => {
    const start = (at: number): unknown => gameDayOf(at, '02:30', ZH);
    const first = utc('2026-10-25T00:30:00'); // 02:30 CEST
    expect(start(utc('2026-10-24T13:00:00'))).toEqual(endsAt(first));
    expect(start(utc('2026-10-25T01:10:00'))).toEqual(refused(first)); // 02:10 CET, second pass
    expect(start(utc('2026-10-25T01:40:00'))).toEqual(refused(first)); // 02:40 CET, after both 02:30s
    expect(start(utc('2026-10-25T12:31:00'))).toEqual(endsAt(utc('2026-10-26T01:30:00')));
  });
});
