/**
 * Local wall-clock reading of an epoch timestamp in an IANA time zone (TIME-2). Pure: uses only
 * `Intl.DateTimeFormat`, no system clock.
 */

/** Day of week, 0 = Sunday … 6 = Saturday (like `Date#getDay`). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface LocalClock {
  /** Seconds since local midnight, 0–86399. */
  secondsOfDay: number;
  weekday: Weekday;
}

const WEEKDAYS: Record<string, Weekday> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

// Building a formatter is comparatively costly; one per zone is reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local time of day and weekday of `epochMs` in `timeZone`.
 * @throws RangeError for an unknown time zone (check with {@link isValidTimeZone}).
 */
export function localClock(epochMs: number, timeZone: string): LocalClock {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = WEEKDAYS[get('weekday')];
  if (weekday === undefined) throw new RangeError(`cannot read the weekday in ${timeZone}`);
  return {
    secondsOfDay: Number(get('hour')) * 3600 + Number(get('minute')) * 60 + Number(get('second')),
    weekday,
  };
}
