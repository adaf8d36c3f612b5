import type { Audience, BroadcastEvent } from '../protocol/broadcasts.js';
import type { CatchRefusal } from '../protocol/catch-refusals.js';
import type { Command } from '../protocol/commands/index.js';
import type { Session } from '../protocol/entities.js';
import type { Challenge, ChallengeSet, Sector, Zone } from './catalogue/types.js';
import type {
  PastGameRecord,
  SessionGameFields,
  TeamRecord,
  TokenRecord,
  TrackPointRecord,
} from './game/types.js';
import type { PictureRecord } from './pictures/records.js';
import { PlayerTable, type ReadonlyPlayerTable } from './player-table.js';
import { TeamTable, type ReadonlyTeamTable } from './team-table.js';

/** A passphrase as the engine stores it: never the text itself (AUTH-4). See src/runtime/passphrase.ts. */
export interface SealedPassphrase {
  /**
   * Keyed hash (HMAC with the installation's secret) of the passphrase: it keeps passphrases unique, and
   * a login finds its player by it (the engine compares nothing else).
   */
  readonly lookup: string;
  /** Per-player random salt and a keyed HMAC (SHA-256) of the passphrase with it; stored, not checked. */
  readonly salt: string;
  readonly hash: string;
}

export type SessionRecord = SessionGameFields & {
  readonly id: number;
  readonly name: string;
  readonly mode: Session['mode'];
  readonly timeZone: string;
  readonly createdAt: number;
  /** When the session's game clock was paused (epoch ms), or null while it runs. */
  readonly clockPausedAt: number | null;
};

/**
 * A player as the global part knows them (CLUSTER-12): name, login, session and profile. What a session's
 * game writes about a player lives in that session's records: their team is the team whose `players`
 * list them, and their last reported position is their {@link PositionRecord}.
 */
export interface PlayerRecord {
  readonly id: number;
  readonly name: string;
  readonly session: number | null;
  /** Null for a removed player: nobody can log in as them any more. */
  readonly passphrase: SealedPassphrase | null;
  readonly phone: string | null;
  readonly picture: number | null;
  readonly removed: boolean;
  /** Set when the player was erased (PRIVACY-2): the name is a pseudonym and nothing personal is left. */
  readonly erased?: true;
  readonly createdAt: number;
}

/**
 * A player's last recorded location report in their session's game (LOCATION-2, LOCATION-8), owned by that
 * session (CLUSTER-12). Its id is the player's: a player has at most one, so none is ever handed out.
 * Where, when the server took it (`at`) and its device time as clamped (`timestamp`, LOCATION-8); both
 * times are missing in records from before they were kept.
 */
export interface PositionRecord {
  readonly id: number;
  readonly session: number;
  readonly lat: number;
  readonly lon: number;
  readonly at?: number;
  readonly timestamp?: number;
}

/**
 * A named game-master account (AUTH-7). Only the SHA-256 of its token is kept (the token is high-entropy
 * and shown once by the client that made it); a revoked account keeps its record, so that history still
 * names its author.
 */
export interface GameMasterRecord {
  readonly id: number;
  readonly name: string;
  readonly tokenHash: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/**
 * A durable timer (TIMER-1). Arming and cancelling a timer is writing or deleting this record: the
 * runtime watches the table and keeps one real timeout for the earliest due record. When it fires, the
 * engine runs `command` (an internal command) and deletes the record, so a cancelled or already fired
 * timer can never act again.
 */
export interface TimerRecord {
  readonly id: number;
  /** Absolute due time, epoch ms. Meaningless while `pausedRemainingMs` is set. */
  readonly dueAt: number;
  readonly command: Command;
  /** The session whose game clock this timer runs on, if any: pausing that clock pauses the timer. */
  readonly session: number | null;
  /**
   * The timer belongs to `session` but runs on wall time: pausing the session's game clock leaves it alone
   * (the retention timer of a finished game, PRIVACY-1).
   */
  readonly wallClock?: true;
  /** Set while the session's clock is paused: the time that was left when it paused. */
  readonly pausedRemainingMs: number | null;
}

/** A refused catch on record for the game masters (CATCH-7), in its session. */
export type CatchRefusalRecord = CatchRefusal & { readonly session: number };

/** Every table of the state. Each record has a numeric `id`, unique and never reused within its table. */
export interface Tables {
  session: SessionRecord;
  player: PlayerRecord;
  timer: TimerRecord;
  challenge: Challenge;
  challengeSet: ChallengeSet;
  zone: Zone;
  sector: Sector;
  team: TeamRecord;
  trackPoint: TrackPointRecord;
  pastGame: PastGameRecord;
  token: TokenRecord;
  picture: PictureRecord;
  gameMaster: GameMasterRecord;
  catchRefusal: CatchRefusalRecord;
  position: PositionRecord;
}
export type TableName = keyof Tables;
export const TABLE_NAMES: readonly TableName[] = [
  'session',
  'player',
  'timer',
  'challenge',
  'challengeSet',
  'zone',
  'sector',
  'team',
  'trackPoint',
  'pastGame',
  'token',
  'picture',
  'gameMaster',
  'catchRefusal',
  'position',
];

/**
 * How ids are handed out (CLUSTER-16): `shared`, one counter per table (PROTOCOL-5); or `per-session`, where
 * a record owned by a session takes its id from a counter of its table and session, so that owners of
 * different sessions can never hand out the same id. A state switches to `per-session` once, for good.
 */
export type IdSpace = 'shared' | 'per-session';

/**
 * The tables whose records a session owns and, in the `per-session` space, numbers (CLUSTER-16). A
 * `position` is owned by a session too, but its id is its player's: none is handed out.
 */
export const SESSION_ID_TABLES = [
  'team',
  'trackPoint',
  'pastGame',
  'catchRefusal',
  'timer',
  'picture',
] as const;
export type SessionIdTable = (typeof SESSION_ID_TABLES)[number];

/** The whole game state held in memory by the runtime. The engine only reads it. */
export interface EngineState {
  readonly tables: ReadonlyTables;
  /** The next id to hand out per table: ids are never reused (PROTOCOL-5). */
  readonly nextIds: Readonly<Record<TableName, number>>;
  /** How ids are handed out (CLUSTER-16). */
  readonly idSpace: IdSpace;
  /**
   * In the `per-session` space: the next number `n` per session-owned table and session, keyed
   * `table:session` (`sessionIdKey`); a record's id is `session × 2^32 + n` (CLUSTER-16).
   */
  readonly sessionIds: ReadonlyMap<string, number>;
  /**
   * The last broadcast sequence number per stream (`global` or a session id). The runtime advances it
   * when it commits broadcasts; the engine reads it so that a snapshot says where to resume (RESUME-1).
   */
  readonly streams: ReadonlyMap<string, number>;
}

/** Every table by id; the player table also by passphrase, the team table also by member. */
export type ReadonlyTables = {
  readonly [K in TableName]: K extends 'player'
    ? ReadonlyPlayerTable
    : K extends 'team'
      ? ReadonlyTeamTable
      : ReadonlyMap<number, Tables[K]>;
};

export function emptyState(): EngineState {
  const tables = Object.fromEntries(TABLE_NAMES.map((name) => [name, tableOf(name)]));
  const nextIds = Object.fromEntries(TABLE_NAMES.map((name) => [name, 1]));
  return {
    tables: tables as unknown as EngineState['tables'],
    nextIds: nextIds as Record<TableName, number>,
    idSpace: 'shared',
    sessionIds: new Map(),
    streams: new Map(),
  };
}

function tableOf(name: TableName): Map<number, unknown> {
  if (name === 'player') return new PlayerTable();
  return name === 'team' ? new TeamTable() : new Map<number, unknown>();
}

/** A state change produced by a step; the runtime applies it to memory and to the store in one commit. */
export type Write =
  | { readonly op: 'put'; readonly table: TableName; readonly id: number; readonly doc: Tables[TableName] }
  | { readonly op: 'delete'; readonly table: TableName; readonly id: number }
  /**
   * A counter moved on: the table's shared one, or with `session` that session's counter of a
   * session-owned table (the `per-session` space, CLUSTER-16), whose `next` is the next number `n`.
   */
  | { readonly op: 'nextId'; readonly table: TableName; readonly next: number; readonly session?: number }
  /** The state switched to the `per-session` space (CLUSTER-16). */
  | { readonly op: 'idSpace'; readonly space: 'per-session' };

/** The key of a session's counter of a table in `EngineState.sessionIds` and in the store. */
export const sessionIdKey = (table: SessionIdTable, session: number): string => `${table}:${session}`;

/**
 * Personal data a step removed from the state that the journal and the delivery logs still hold; the
 * runtime rewrites those rows in the step's own commit (PRIVACY-1, PRIVACY-2). `player`: the journal rows
 * about the player of one part (CLUSTER-17) are reduced to their command type, and logged answers and
 * broadcasts carry the pseudonym;
 * `locations`: the positions of a session's journaled location reports and catches in a time window, and
 * its logged `location` broadcasts.
 */
export type Redaction =
  | {
      readonly kind: 'player';
      readonly player: number;
      readonly pseudonym: string;
      /** The name the player had, to find rows journaled before rows named their subjects. */
      readonly name: string;
      /**
       * Whose rows (CLUSTER-17): a session's (`player.forget`: rows of its session commands, and its logged
       * broadcasts), or null for the global part's (`player.erase`: every other row, and the stored answers).
       */
      readonly session: number | null;
    }
  | {
      readonly kind: 'locations';
      readonly session: number;
      readonly from: number;
      readonly to: number;
      /** Only reports by or for these players, and only these teams' `location` broadcasts (null: all). */
      readonly players: readonly number[] | null;
      readonly teams: readonly number[] | null;
    };

/** A broadcast produced by a step, before the runtime gives it its sequence number. */
export interface PendingBroadcast {
  readonly session: number | null;
  readonly audience: Audience;
  readonly event: BroadcastEvent;
}
