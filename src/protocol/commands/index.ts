import type { z } from 'zod';
import type { DefinedCommand } from '../define.js';
import * as accounts from './accounts.js';
import * as auth from './auth.js';
import * as catalogue from './catalogue.js';
import * as core from './core.js';
import * as game from './game.js';
import * as oversight from './oversight.js';
import * as pictures from './pictures.js';
import * as privacy from './privacy.js';
import * as timers from './timers.js';

/**
 * Every command of the protocol. Adding a command is: define it in a file of this folder, list it here,
 * and add its handler in src/engine/handlers.
 */
export const COMMAND_DEFS = [
  core.ping,
  core.stateGet,
  core.sessionAdd,
  core.sessionList,
  core.playerAdd,
  core.playerList,
  core.idsPartition,
  core.serverShutdown,
  core.serverBackup,
  core.serverBackupDone,
  auth.authLogin,
  auth.authLogout,
  timers.announcementSchedule,
  timers.announcementCancel,
  timers.announcementList,
  timers.announcementDeliver,
  timers.timerFire,
  timers.clockPause,
  timers.clockResume,
  catalogue.setAdd,
  catalogue.setEdit,
  catalogue.setList,
  catalogue.setGet,
  catalogue.setDelete,
  catalogue.setDeleteAll,
  catalogue.challengeAdd,
  catalogue.challengeEdit,
  catalogue.challengeList,
  catalogue.challengeGet,
  catalogue.challengeDelete,
  catalogue.challengeDeleteAll,
  catalogue.zoneAdd,
  catalogue.zoneEdit,
  catalogue.zoneList,
  catalogue.zoneGet,
  catalogue.zoneDelete,
  catalogue.zoneDeleteAll,
  catalogue.zoneSetMinutes,
  catalogue.zoneSetCloseSectors,
  catalogue.sectorAdd,
  catalogue.sectorList,
  catalogue.sectorGet,
  catalogue.sectorDelete,
  catalogue.sectorDeleteAll,
  catalogue.sectorLink,
  catalogue.challengePreview,
  game.playerEdit,
  game.playerRemove,
  game.playerGet,
  game.sessionEdit,
  game.sessionAnnounce,
  game.sessionState,
  game.teamAdd,
  game.teamRename,
  game.teamRemove,
  game.teamList,
  game.teamAssign,
  game.teamSetRole,
  game.configGet,
  game.configSet,
  game.configReset,
  game.gameStart,
  game.gameStop,
  game.gameEnd,
  game.catchTeam,
  game.complete,
  game.graceEnd,
  game.locationSend,
  game.locationList,
  game.eventList,
  game.correctionUndo,
  game.correctionAdjust,
  game.correctionEndGrace,
  game.correctionNewHand,
  game.correctionMove,
  game.pastGameList,
  game.pastGameGet,
  pictures.pictureUpload,
  pictures.pictureReceived,
  pictures.pictureProcessed,
  pictures.pictureGet,
  pictures.pictureChunk,
  pictures.pictureRead,
  accounts.gmAdd,
  accounts.gmList,
  accounts.gmRevoke,
  accounts.auditList,
  accounts.auditFound,
  privacy.playerErase,
  privacy.playerForget,
  privacy.playerExport,
  privacy.privacyExpire,
  oversight.catchRefused,
  oversight.catchRefusals,
  oversight.adminConnections,
] as const;

type Defs = (typeof COMMAND_DEFS)[number];
export type CommandType = Defs['type'];
/** The commands the engine answers: all but those the runtime answers itself (`admin.connections`). */
export type EngineCommandType = Exclude<CommandType, oversight.RuntimeCommandType>;
export type CommandDefOf<T extends CommandType> = Extract<Defs, { type: T }>;

/** The wire shape of a command of type T (as sent, after validation). */
export type CommandOf<T extends CommandType> = z.output<CommandDefOf<T>['schema']>;
/** What a client passes for a command of type T (defaults not yet applied). */
export type CommandInput<T extends CommandType> = z.input<CommandDefOf<T>['schema']>;
export type ResultOf<T extends CommandType> = z.output<CommandDefOf<T>['result']>;

export type Command = { [T in CommandType]: CommandOf<T> }[CommandType];
export type AnyCommandInput = { [T in CommandType]: CommandInput<T> }[CommandType];

export const COMMANDS: ReadonlyMap<string, DefinedCommand> = new Map(
  COMMAND_DEFS.map((def): [string, DefinedCommand] => [def.type, def]),
);

/** The strict schema of one command type, or undefined for an unknown type. */
export function schemaOfCommand(type: string): z.ZodType | undefined {
  return COMMANDS.get(type)?.schema;
}
