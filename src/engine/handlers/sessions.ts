import { fail, ok, type Handler } from '../handler.js';
import type { SessionRecord } from '../state.js';
import { sessionView } from '../views.js';

export const DEFAULT_TIME_ZONE = 'Europe/Zurich';

/** Session names are unique, compared case-insensitively so that "OG" and "og" cannot both exist. */
export const sessionAdd: Handler<'session.add'> = (command, { tx, now }) => {
  const key = command.name.toLowerCase();
  if (tx.find('session', (s) => s.name.toLowerCase() === key) !== undefined) {
    return fail('ALREADY_EXISTS', `A session named "${command.name}" already exists.`, { field: 'name' });
  }
  const timeZone = command.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) {
    return fail('INVALID', `"${timeZone}" is not an IANA time zone.`, {
      rule: 'time-zone',
      field: 'timeZone',
    });
  }
  const session: SessionRecord = {
    id: tx.newId('session'),
    name: command.name,
    mode: command.mode ?? 'Traditional',
    timeZone,
    createdAt: now,
    clockPausedAt: null,
    config: {},
    game: null,
    gamesPlayed: 0,
  };
  tx.put('session', session);
  tx.broadcast({
    session: null,
    audience: 'admins',
    event: { type: 'session.added', session: sessionView(session) },
  });
  return ok(sessionView(session));
};

export const sessionList: Handler<'session.list'> = (_command, { tx }) =>
  ok(tx.all('session').map(sessionView));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
