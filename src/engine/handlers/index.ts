import type { EngineCommandType } from '../../protocol/commands/index.js';
import type { Handler } from '../handler.js';
import * as audit from './audit.js';
import * as auth from './auth.js';
import * as challenges from './catalogue/challenges.js';
import * as sectors from './catalogue/sectors.js';
import * as sets from './catalogue/sets.js';
import * as zones from './catalogue/zones.js';
import * as core from './core.js';
import * as refusals from './game/catch-refusals.js';
import * as gameConfig from './game/config.js';
import * as corrections from './game/corrections.js';
import * as lifecycle from './game/lifecycle.js';
import * as locations from './game/locations.js';
import * as pastGames from './game/past-games.js';
import * as play from './game/play.js';
import * as teams from './game/teams.js';
import * as preview from './catalogue/preview.js';
import * as pictures from './pictures.js';
import * as gameMasters from './game-masters.js';
import * as players from './players.js';
import * as privacy from './privacy.js';
import * as sessions from './sessions.js';
import * as timers from './timers.js';

/** One handler per command; the mapped type makes a command without a handler a type error. */
export const HANDLERS: { readonly [T in EngineCommandType]: Handler<T> } = {
  ping: core.ping,
  'state.get': core.stateGet,
  'server.shutdown': core.serverShutdown,
  'server.backup': core.serverBackup,
  'server.backup.done': core.serverBackupDone,
  'auth.login': auth.authLogin,
  'auth.logout': auth.authLogout,
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
  'set.add': sets.setAdd,
  'set.edit': sets.setEdit,
  'set.list': sets.setList,
  'set.get': sets.setGet,
  'set.delete': sets.setDelete,
  'set.deleteAll': sets.setDeleteAll,
  'challenge.add': challenges.challengeAdd,
  'challenge.edit': challenges.challengeEdit,
  'challenge.list': challenges.challengeList,
  'challenge.get': challenges.challengeGet,
  'challenge.delete': challenges.challengeDelete,
  'challenge.deleteAll': challenges.challengeDeleteAll,
  'zone.add': zones.zoneAdd,
  'zone.edit': zones.zoneEdit,
  'zone.list': zones.zoneList,
  'zone.get': zones.zoneGet,
  'zone.delete': zones.zoneDelete,
  'zone.deleteAll': zones.zoneDeleteAll,
  'zone.setMinutes': zones.zoneSetMinutes,
  'zone.setCloseSectors': zones.zoneSetCloseSectors,
  'sector.add': sectors.sectorAdd,
  'sector.list': sectors.sectorList,
  'sector.get': sectors.sectorGet,
  'sector.delete': sectors.sectorDelete,
  'sector.deleteAll': sectors.sectorDeleteAll,
  'sector.link': sectors.sectorLink,
  'challenge.preview': preview.challengePreview,
  'player.edit': players.playerEdit,
  'player.remove': players.playerRemove,
  'player.get': players.playerGet,
  'session.edit': lifecycle.sessionEdit,
  'session.state': lifecycle.sessionState,
  'team.add': teams.teamAdd,
  'team.rename': teams.teamRename,
  'team.remove': teams.teamRemove,
  'team.list': teams.teamList,
  'team.assign': teams.teamAssign,
  'team.setRole': teams.teamSetRole,
  'config.get': gameConfig.configGet,
  'config.set': gameConfig.configSet,
  'config.reset': gameConfig.configReset,
  'game.start': lifecycle.gameStart,
  'game.stop': lifecycle.gameStop,
  'game.end': lifecycle.gameEnd,
  catch: play.catchTeam,
  complete: play.complete,
  'grace.end': play.graceEnd,
  'location.send': locations.locationSend,
  'location.list': locations.locationList,
  'event.list': locations.eventList,
  'correction.undo': corrections.correctionUndo,
  'correction.adjust': corrections.correctionAdjust,
  'correction.endGrace': corrections.correctionEndGrace,
  'correction.newHand': corrections.correctionNewHand,
  'correction.move': corrections.correctionMove,
  'pastGame.list': pastGames.pastGameList,
  'pastGame.get': pastGames.pastGameGet,
  'picture.upload': pictures.pictureUpload,
  'picture.received': pictures.pictureReceived,
  'picture.processed': pictures.pictureProcessed,
  'picture.get': pictures.pictureGet,
  'picture.chunk': pictures.pictureChunk,
  'picture.read': pictures.pictureRead,
  'gm.add': gameMasters.gmAdd,
  'gm.list': gameMasters.gmList,
  'gm.revoke': gameMasters.gmRevoke,
  'audit.list': audit.auditList,
  'audit.found': audit.auditFound,
  'player.erase': privacy.playerErase,
  'player.export': privacy.playerExport,
  'privacy.expire': privacy.privacyExpire,
  'catch.refused': refusals.catchRefused,
  'catch.refusals': refusals.catchRefusals,
};
