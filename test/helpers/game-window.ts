/**
 * Config times ("HH:MM" in `timeZone`) for a game that starts a minute before `now` and ends three hours
 * after it, so that a test starting a game on the real clock is inside its game day whatever the time of
 * day the suite runs at (START-2, START-5).
 */
export function gameWindowIn(timeZone: string, now = Date.now()): { startTime: string; endTime: string } {
  const hhmm = (ms: number): string =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(ms);
  return { startTime: hhmm(now - 60_000), endTime: hhmm(now + 3 * 3_600_000) };
}
