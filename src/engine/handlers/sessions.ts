import { fail, ok, type Handler, type Outcome } from '../handler.js';
import type { SessionRecord } from '../state.js';
import { isTimeZone } from '../time-zone.js';
import { sessionView } from '../views.js';

export const DEFAULT_TIME_ZONE = 'Europe/Zurich';

/** Session names are unique, compared case-insensitively so that "OG" and "og" cannot both exist. */
export const sessionAdd: Handler<'session.add'> = (command, { tx, now }) => {
  const key = command.name.toLowerCase();
  if (tx.find('session', (s) => s.name.toLowerCase() === key) !== undefined) {
    return fail('ALREADY_EXISTS', `A session named "${command.name}" already exists.`, { field: 'name' });
  }
  const timeZone = command.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) return unknownTimeZone(timeZone);
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

/** The refusal of a session time zone that is no IANA zone name. */
export const unknownTimeZone = (timeZone: string): Outcome<never> =>
  fail('INVALID', `"${timeZone}" is not an IANA time zone.`, { rule: 'time-zone', field: 'timeZone' });
