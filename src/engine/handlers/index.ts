import type { EngineCommandType } from '../../protocol/commands/index.js';
import type { Handler } from '../handler.js';
import * as audit from './audit.js';
import * as auth from './auth.js';
import { announced } from './catalogue/announced.js';
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
import { sessionAnnounce } from './session-announce.js';
import * as timers from './timers.js';

/**
 * One handler per command; the mapped type makes a command without a handler a type error. Catalogue
 * writes are `announced` (CATALOGUE-12).
 */
export const HANDLERS: { readonly [T in EngineCommandType]: Handler<T> } = {
  ping: core.ping,
  'state.get': core.stateGet,
  'ids.partition': core.idsPartition,
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
  'set.add': announced('set', sets.setAdd),
  'set.edit': announced('set', sets.setEdit),
  'set.list': sets.setList,
  'set.get': sets.setGet,
  'set.delete': announced('set', sets.setDelete),
  'set.deleteAll': announced('set', sets.setDeleteAll),
  'challenge.add': announced('challenge', challenges.challengeAdd),
  'challenge.edit': announced('challenge', challenges.challengeEdit),
  'challenge.list': challenges.challengeList,
  'challenge.get': challenges.challengeGet,
  'challenge.delete': announced('challenge', challenges.challengeDelete),
  'challenge.deleteAll': announced('challenge', challenges.challengeDeleteAll),
  'zone.add': announced('zone', zones.zoneAdd),
  'zone.edit': announced('zone', zones.zoneEdit),
  'zone.list': zones.zoneList,
  'zone.get': zones.zoneGet,
  'zone.delete': announced('zone', zones.zoneDelete),
  'zone.deleteAll': announced('zone', zones.zoneDeleteAll),
  'zone.setMinutes': announced('zone', zones.zoneSetMinutes),
  'zone.setCloseSectors': announced('zone', zones.zoneSetCloseSectors),
  'sector.add': announced('sector', sectors.sectorAdd),
  'sector.list': sectors.sectorList,
  'sector.get': sectors.sectorGet,
  'sector.delete': announced('sector', sectors.sectorDelete),
  'sector.deleteAll': announced('sector', sectors.sectorDeleteAll),
  'sector.link': announced('sector', sectors.sectorLink),
  'challenge.preview': preview.challengePreview,
  'player.edit': players.playerEdit,
  'player.remove': players.playerRemove,
  'player.get': players.playerGet,
  'session.edit': lifecycle.sessionEdit,
  'session.announce': sessionAnnounce,
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
  'player.forget': privacy.playerForget,
  'player.export': privacy.playerExport,
  'privacy.expire': privacy.privacyExpire,
  'catch.refused': refusals.catchRefused,
  'catch.refusals': refusals.catchRefusals,
};
