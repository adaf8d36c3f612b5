import { describe, expect, it } from 'vitest';
import {
  isTimeZone,
  localClockText,
  localDateText,
  localTime,
  nextWallTime,
  previousWallTime,
  secondsOfDay,
  zonedInstant,
} from '../../src/engine/time-zone.js';

const ZH = 'Europe/Zurich';
const utc = (iso: string): number => Date.parse(`${iso}Z`);
const minute = (hhmm: string): number => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};
/** 2026-03-29: 02:00 CET → 03:00 CEST (01:00 UTC). 2026-10-25: 03:00 CEST → 02:00 CET (01:00 UTC). */
const SPRING = { year: 2026, month: 3, day: 29 };
const AUTUMN = { year: 2026, month: 10, day: 25 };
const at = (date: typeof SPRING, hhmm: string): number => zonedInstant(date, minute(hhmm), ZH);

describe('reading an instant in a zone (TIME-2)', () => {
  it('reads date, time of day and weekday in the given zone, summer and winter', () => {
    expect(localTime(utc('2025-06-14T23:30:05'), ZH)).toEqual({
      year: 2025,
      month: 6,
      day: 15,
      hour: 1,
      minute: 30,
      second: 5,
      weekday: 0,
    });
    expect(secondsOfDay(localTime(utc('2025-06-14T23:30:05'), 'UTC'))).toBe(23 * 3600 + 30 * 60 + 5);
    expect(localTime(utc('2025-06-14T23:30:05'), 'UTC').weekday).toBe(6);
    expect(secondsOfDay(localTime(utc('2025-01-15T08:00:00'), ZH))).toBe(9 * 3600);
    expect(localDateText(utc('2025-12-31T23:30:00'), ZH)).toBe('2026-01-01');
    expect(localClockText(utc('2025-12-31T23:05:00'), ZH)).toBe('00:05');
  });

  it('reads midnight as 00, not 24', () => {
    expect(localTime(utc('2026-06-15T22:00:00'), ZH)).toMatchObject({ day: 16, hour: 0, minute: 0 });
  });

  it('recognises unknown zones', () => {
    expect(isTimeZone(ZH)).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => localTime(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('a local time of day as an instant, across both DST switches of Europe/Zurich', () => {
  it('uses the offset in force on ordinary days either side', () => {
    expect(at({ year: 2026, month: 3, day: 28 }, '09:00')).toBe(utc('2026-03-28T08:00:00'));
    expect(at(SPRING, '09:00')).toBe(utc('2026-03-29T07:00:00'));
    expect(at({ year: 2026, month: 10, day: 24 }, '09:00')).toBe(utc('2026-10-24T07:00:00'));
    expect(at(AUTUMN, '09:00')).toBe(utc('2026-10-25T08:00:00'));
    // The game days around a switch are 23 and 25 hours long.
    expect(at(SPRING, '09:00') - at({ ...SPRING, day: 28 }, '09:00')).toBe(23 * 3_600_000);
    expect(at(AUTUMN, '09:00') - at({ ...AUTUMN, day: 24 }, '09:00')).toBe(25 * 3_600_000);
  });

  it('moves a time in the skipped hour (29 March) on by the gap: 02:30 means 03:30 CEST', () => {
    expect(at(SPRING, '01:59')).toBe(utc('2026-03-29T00:59:00'));
    expect(at(SPRING, '02:00')).toBe(utc('2026-03-29T01:00:00'));
    expect(at(SPRING, '02:30')).toBe(utc('2026-03-29T01:30:00'));
    expect(localClockText(at(SPRING, '02:30'), ZH)).toBe('03:30');
    expect(at(SPRING, '03:00')).toBe(utc('2026-03-29T01:00:00'));
    expect(at(SPRING, '03:01')).toBe(utc('2026-03-29T01:01:00'));
  });

  it('takes the first of a repeated time (25 October): 02:30 is 02:30 CEST', () => {
    expect(at(AUTUMN, '01:59')).toBe(utc('2026-10-24T23:59:00'));
    expect(at(AUTUMN, '02:00')).toBe(utc('2026-10-25T00:00:00'));
    expect(at(AUTUMN, '02:30')).toBe(utc('2026-10-25T00:30:00'));
    expect(at(AUTUMN, '02:59')).toBe(utc('2026-10-25T00:59:00'));
    expect(at(AUTUMN, '03:00')).toBe(utc('2026-10-25T02:00:00'));
  });

  it('reads back every minute of both switch days as itself, except the skipped hour', () => {
    for (const date of [SPRING, AUTUMN, { year: 2026, month: 6, day: 16 }]) {
      for (let m = 0; m < 24 * 60; m++) {
        const t = localTime(zonedInstant(date, m, ZH), ZH);
        const skipped = date === SPRING && m >= 120 && m < 180;
        expect({ day: t.day, minute: t.hour * 60 + t.minute }).toEqual(
          skipped ? { day: 29, minute: m + 60 } : { day: date.day, minute: m },
        );
      }
    }
  });

  it('rolls dates over like Date.UTC (day 0 is the last day of the month before)', () => {
    expect(at({ year: 2026, month: 4, day: 0 }, '12:00')).toBe(utc('2026-03-31T10:00:00'));
    expect(at({ year: 2026, month: 12, day: 32 }, '12:00')).toBe(utc('2027-01-01T11:00:00'));
  });
});

describe('the latest and the next instant a wall clock shows a time of day', () => {
  it('finds them on ordinary days, an exact hit counting as the latest', () => {
    const noon = utc('2026-06-16T10:00:00');
    expect(previousWallTime(noon, minute('12:00'), ZH)).toBe(noon);
    expect(nextWallTime(noon, minute('12:00'), ZH)).toBe(utc('2026-06-17T10:00:00'));
    expect(previousWallTime(noon, minute('17:00'), ZH)).toBe(utc('2026-06-15T15:00:00'));
    expect(nextWallTime(noon, minute('17:00'), ZH)).toBe(utc('2026-06-16T15:00:00'));
  });

  it('around the repeated hour: the second 02:30 of 25 October is not another 02:30', () => {
    const secondPass = utc('2026-10-25T01:40:00'); // 02:40 CET, after both 02:30s
    expect(previousWallTime(secondPass, minute('02:30'), ZH)).toBe(utc('2026-10-25T00:30:00'));
    const firstPass = utc('2026-10-25T00:40:00'); // 02:40 CEST
    expect(nextWallTime(firstPass, minute('02:30'), ZH)).toBe(utc('2026-10-26T01:30:00'));
    expect(nextWallTime(firstPass, minute('02:50'), ZH)).toBe(utc('2026-10-25T00:50:00'));
  });

  it('around the skipped hour: 02:30 on 29 March happens at 03:30 CEST', () => {
    const before = utc('2026-03-29T00:50:00'); // 01:50 CET
    expect(nextWallTime(before, minute('02:30'), ZH)).toBe(utc('2026-03-29T01:30:00'));
    const after = utc('2026-03-29T01:20:00'); // 03:20 CEST
    expect(previousWallTime(after, minute('02:30'), ZH)).toBe(utc('2026-03-28T01:30:00'));
    expect(nextWallTime(after, minute('02:30'), ZH)).toBe(utc('2026-03-29T01:30:00'));
  });
});
