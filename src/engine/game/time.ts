/**
 * Wall-clock helpers for a session's IANA time zone (TIME-2), pure: Intl does the zone arithmetic, the engine
 * never reads the clock itself.
 */
interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
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

/** The local calendar date and time of an instant in a zone. */
export function localParts(epochMs: number, timeZone: string): LocalParts & { second: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(epochMs)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The instant a local date and time of day ("HH:MM") happens in a zone, `addDays` days later. */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  time: string,
  timeZone: string,
  addDays = 0,
): number {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const wanted = Date.UTC(date.year, date.month - 1, date.day + addDays, hour, minute);
  // Correct the UTC guess by the zone's offset; twice, for instants near an offset change.
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(guess, timeZone);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    guess += wanted - seen;
  }
  return guess;
}

/** "YYYY-MM-DD" of an instant in a zone. */
export function localDateText(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
