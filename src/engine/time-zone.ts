/**
 * Wall-clock arithmetic in a session's IANA time zone (TIME-2): the engine's one module that reads time zones
 * (the lint rules keep `Intl` out of every other engine file). Pure and deterministic: it turns given
 * instants into local times and back, and never reads the clock.
 *
 * Local times that do not exist or exist twice (Europe/Zurich: 02:00–03:00 is skipped on the last
 * Sunday of March and repeated on the last Sunday of October) are read as `Temporal`'s default
 * ("compatible") disambiguation does:
 * - a skipped time is read with the offset in force before the change, i.e. moved on by the length of the
 *   gap: 02:30 on 29 March 2026 is 03:30 CEST, the instant 02:30 CET would have been;
 * - a repeated time is its first occurrence: 02:30 on 25 October 2026 is 02:30 CEST, an hour before
 *   02:30 CET.
 */

/** A calendar date; a day or month out of range rolls over as with `Date.UTC` (day 0 = the day before). */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Day of week, 0 = Sunday … 6 = Saturday (like `Date#getUTCDay`). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** What a clock on the wall in a zone shows at an instant. */
export interface LocalTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: Weekday;
}

const DAY_MS = 24 * 3_600_000;
const WEEKDAYS: Readonly<Record<string, Weekday>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};

// Building a formatter is comparatively costly (it loads the zone's rules): one per zone is reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone name (or alias such as "UTC") this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local date, time of day and weekday of an instant in a zone.
 * @throws RangeError for an unknown zone (check with {@link isTimeZone}).
 */
export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts = new Map(
    formatter(timeZone)
      .formatToParts(epochMs)
      .map((p) => [p.type, p.value]),
  );
  const weekday = WEEKDAYS[parts.get('weekday') ?? ''];
  if (weekday === undefined) throw new RangeError(`cannot read the weekday in ${timeZone}`);
  return {
    year: Number(parts.get('year')),
    month: Number(parts.get('month')),
    day: Number(parts.get('day')),
    hour: Number(parts.get('hour')),
    minute: Number(parts.get('minute')),
    second: Number(parts.get('second')),
    weekday,
  };
}

/** Seconds since local midnight, 0–86399 (by the wall clock: a DST day still counts from 00:00). */
export const secondsOfDay = (t: LocalTime): number => t.hour * 3600 + t.minute * 60 + t.second;

/** "YYYY-MM-DD" of an instant in a zone. */
export function localDateText(epochMs: number, timeZone: string): string {
  const t = localTime(epochMs, timeZone);
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** "HH:MM" of an instant in a zone. */
export function localClockText(epochMs: number, timeZone: string): string {
  const t = localTime(epochMs, timeZone);
  return `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

/** The wall clock of an instant written as if it were UTC, to whole seconds. */
function wallAsUtc(epochMs: number, timeZone: string): number {
  const t = localTime(epochMs, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/** The zone's offset from UTC at an instant, in ms. */
const offsetAt = (epochMs: number, timeZone: string): number =>
  wallAsUtc(epochMs, timeZone) - (epochMs - (((epochMs % 1000) + 1000) % 1000));

/**
 * The instant at which the wall clock in a zone shows `minuteOfDay` (minutes after 00:00) on `date`; a
 * skipped or repeated local time is read as the module comment says.
 */
export function zonedInstant(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  // Offsets change at most once within a day either side: the two offsets around are the candidates.
  const before = wall - offsetAt(wall - DAY_MS, timeZone);
  const after = wall - offsetAt(wall + DAY_MS, timeZone);
  const matching = [before, after].filter((instant) => wallAsUtc(instant, timeZone) === wall);
  return matching.length === 0 ? before : Math.min(...matching);
}

/** The latest instant at or before `epochMs` at which the zone's wall clock shows `minuteOfDay`. */
export function previousWallTime(epochMs: number, minuteOfDay: number, timeZone: string): number {
  const today = localTime(epochMs, timeZone);
  for (let days = 0; ; days--) {
    const instant = zonedInstant({ ...today, day: today.day + days }, minuteOfDay, timeZone);
    if (instant <= epochMs) return instant;
  }
}

/** The earliest instant after `epochMs` at which the zone's wall clock shows `minuteOfDay`. */
export function nextWallTime(epochMs: number, minuteOfDay: number, timeZone: string): number {
  const today = localTime(epochMs, timeZone);
  for (let days = 0; ; days++) {
    const instant = zonedInstant({ ...today, day: today.day + days }, minuteOfDay, timeZone);
    if (instant > epochMs) return instant;
  }
}
