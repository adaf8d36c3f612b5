import type { CommandType } from '../../protocol/commands/index.js';
import type { Handler } from '../handler.js';
import * as core from './core.js';
import * as players from './players.js';
import * as sessions from './sessions.js';
import * as timers from './timers.js';

/** One handler per command; the mapped type makes a command without a handler a type error. */
export const HANDLERS: { readonly [T in CommandType]: Handler<T> } = {
  ping: core.ping,
  'state.get': core.stateGet,
  'server.shutdown': core.serverShutdown,
  'server.backup': core.serverBackup,
  'server.backup.done': core.serverBackupDone,
  'session.add': sessions.sessionAdd,
  'session.list': sessions.sessionList,
  'player.add': players.playerAdd,
  'player.list': players.playerList,
  'announcement.schedule': timers.announcementSchedule,
  'announcement.cancel': timers.announcementCancel,
  'announcement.list': timers.announcementList,
  'announcement.deliver': timers.announcementDeliver,
  'timer.fire': timers.timerFire,
  'clock.pause': timers.clockPause,
  'clock.resume': timers.clockResume,
};
