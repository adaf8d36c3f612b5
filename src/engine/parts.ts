import { COMMANDS, type CommandType } from '../protocol/commands/index.js';
import type { PictureTarget } from '../protocol/pictures.js';
import type { StepInput } from './step.js';
import type { EngineState, PendingBroadcast, SessionRecord, TableName, Tables, Write } from './state.js';

/**
 * The parts of the state (CLUSTER-11, docs/cluster.md "Per-session ownership"): the global part
 * (catalogue, players' global fields, game-master accounts, the list of sessions) and one part per game
 * session (what that session's game writes). Per-session ownership needs every step to write inside one
 * part, so that each part can have its own owner; this module says which part a step runs in and which
 * parts its writes touch. Nothing here changes what the engine does.
 */
export type Part = { readonly kind: 'global' } | { readonly kind: 'session'; readonly session: number };

export const GLOBAL: Part = { kind: 'global' };
export const sessionPart = (session: number): Part => ({ kind: 'session', session });

/** A part as a string (`global`, `session:3`), to compare parts and keep them in sets. */
export const partKey = (part: Part): string =>
  part.kind === 'global' ? 'global' : `session:${part.session}`;

/** The part a `partKey` names (a key from the cluster's log or leases); throws on anything else. */
export function partOfKey(key: string): Part {
  if (key === 'global') return GLOBAL;
  const session = /^session:(\d+)$/.exec(key)?.[1];
  if (session === undefined) throw new Error(`"${key}" is not a part's key.`);
  return sessionPart(Number(session));
}

/** The part a step runs in and the command that decides it (CLUSTER-11). */
export interface StepPart {
  readonly part: Part;
  /** The step's command, or for a due timer the command it runs. */
  readonly command: CommandType;
}

/**
 * The part a step runs in: a session command's is the session the request names (the engine checks that
 * a player names their own, AUTH-3); a global command's is the global part; a due timer (`timer.fire`, a
 * global internal command) runs its command in the timer's session, or in the global part for a timer of
 * no session. Two commands run where they write, whatever their scope on the wire (CLUSTER-15):
 * `session.edit` in the global part (it changes only the session's entry in the list of sessions) and
 * `picture.processed` in the part of the picture it records.
 */
export function partOfStep(input: StepInput, before: EngineState): StepPart {
  const { command } = input;
  if (command.type === 'timer.fire') {
    const timer = before.tables.timer.get(command.timer);
    if (timer !== undefined) return { part: partOfTimer(timer), command: timer.command.type };
  }
  if (command.type === 'session.edit') return { part: GLOBAL, command: command.type };
  // A player's ping with a text is broadcast on the player's session's stream only (PING-2).
  if (command.type === 'ping' && command.text !== undefined && input.actor.kind === 'player') {
    const session = before.tables.player.get(input.actor.player)?.session;
    if (session !== undefined && session !== null)
      return { part: sessionPart(session), command: command.type };
  }
  if (command.type === 'picture.processed')
    return { part: partOfPictureTarget(command.target, before), command: command.type };
  const scope = COMMANDS.get(command.type)?.scope;
  const part = scope === 'session' && input.session !== undefined ? sessionPart(input.session) : GLOBAL;
  return { part, command: command.type };
}

/**
 * The parts a step's writes touch, each once. A record belongs to a part by its table (`partOfRecord`); a
 * put or delete touches the record's part before and after (a record that moved would touch both). A
 * counter (`nextId`) depends on the id space (CLUSTER-16): in the `shared` space it hands out ids for the
 * records the step creates, whose puts name their parts, and adds no part of its own; in the
 * `per-session` space a session's counter belongs to that session's part and a shared counter to the
 * global part. Switching the space (`idSpace`) is the global part's.
 */
export function partsOfWrites(writes: readonly Write[], before: EngineState): Part[] {
  const after = new Map<string, Tables[TableName] | null>();
  for (const w of writes)
    if (w.op === 'put' || w.op === 'delete') after.set(`${w.table}/${w.id}`, w.op === 'put' ? w.doc : null);
  const records: Records = {
    before: (table, id) => (before.tables[table] as ReadonlyMap<number, Tables[TableName]>).get(id),
    after: (table, id) => {
      const key = `${table}/${id}`;
      return after.has(key) ? (after.get(key) ?? undefined) : records.before(table, id);
    },
  };
  const parts = new Map<string, Part>();
  for (const w of writes) {
    const touched =
      w.op === 'idSpace'
        ? [GLOBAL]
        : w.op === 'nextId'
          ? partsOfCounter(w, before)
          : partsOfChange(w.table, w.id, records);
    for (const part of touched) parts.set(partKey(part), part);
  }
  return [...parts.values()];
}

/**
 * Whether a step stays in its part (CLUSTER-11): the parts its writes and broadcasts touch outside the
 * one it runs in. Empty `outside`: the step stays in its part. No step may cross: a global step that
 * changes what a session sees asks for a step in the session's part to announce it (`session.announce`).
 */
export function crossings(
  input: StepInput,
  writes: readonly Write[],
  before: EngineState,
  broadcasts: readonly PendingBroadcast[] = [],
): { readonly step: StepPart; readonly outside: Part[] } {
  const step = partOfStep(input, before);
  // A broadcast is logged on its stream with the stream's next number: the stream's part numbers it.
  const streams = broadcasts.map((b) => (b.session === null ? GLOBAL : sessionPart(b.session)));
  const touched = new Map([...partsOfWrites(writes, before), ...streams].map((p) => [partKey(p), p]));
  const outside = [...touched.values()].filter((p) => partKey(p) !== partKey(step.part));
  return { step, outside };
}

/** The part a counter's write touches (CLUSTER-16): none while every counter is shared. */
function partsOfCounter(write: Extract<Write, { op: 'nextId' }>, before: EngineState): Part[] {
  if (write.session !== undefined) return [sessionPart(write.session)];
  return before.idSpace === 'per-session' ? [GLOBAL] : [];
}

/** Records by table and id, before the step and after its writes. */
interface Records {
  before(table: TableName, id: number): Tables[TableName] | undefined;
  after(table: TableName, id: number): Tables[TableName] | undefined;
}

function partsOfChange(table: TableName, id: number, records: Records): Part[] {
  const old = records.before(table, id);
  const doc = records.after(table, id);
  if (table === 'session')
    return partsOfSessionChange(old as SessionRecord | undefined, doc as SessionRecord | undefined);
  return [old, doc].flatMap((record) => (record === undefined ? [] : [partOfRecord(table, record, records)]));
}

/**
 * Which part a record belongs to, by its table:
 * - `challenge`, `challengeSet`, `zone`, `sector`: the catalogue, shared by every session's game (read
 *   there, written only by global commands);
 * - `player`: a player exists across sessions (a login, a name, a passphrase) and moves between them;
 * - `token`: a player's login, made by the global `auth.login`;
 * - `gameMaster`: the accounts of the installation;
 * - `team`, `pastGame`, `catchRefusal`: a session's game and its archive, each record names its session;
 * - `position`: a player's last report in their session's game (CLUSTER-12), naming that session;
 * - `trackPoint`: a team's trail, in the team's session;
 * - `timer`: its session (whose game clock it runs on, or, for the retention timer, whose archive it
 *   clears on wall time); a timer of no session is global (retention timers armed before they named
 *   their session);
 * - `picture`: a team's picture or a period's proof is the team's session's (its `session`); a profile
 *   picture belongs to its player, who is global (`session` there only widens who may see it).
 * `session` records are split by field (`partsOfSessionChange`).
 */
function partOfRecord(
  table: Exclude<TableName, 'session'>,
  record: Tables[TableName],
  records: Records,
): Part {
  switch (table) {
    case 'challenge':
    case 'challengeSet':
    case 'zone':
    case 'sector':
    case 'player':
    case 'token':
    case 'gameMaster':
      return GLOBAL;
    case 'team':
    case 'position':
    case 'pastGame':
    case 'catchRefusal':
      return sessionPart((record as Tables['team' | 'position' | 'pastGame' | 'catchRefusal']).session);
    case 'trackPoint': {
      const teamId = (record as Tables['trackPoint']).team;
      const team = (records.after('team', teamId) ?? records.before('team', teamId)) as
        Tables['team'] | undefined;
      if (team === undefined)
        throw new Error(`Track point ${record.id} names team ${teamId}, which is unknown.`);
      return sessionPart(team.session);
    }
    case 'timer':
      return partOfTimer(record as Tables['timer']);
    case 'picture': {
      const picture = record as Tables['picture'];
      return picture.kind === 'player' || picture.session === null ? GLOBAL : sessionPart(picture.session);
    }
  }
}

/**
 * The part of the picture a job's result records (as `partOfRecord` places the record): a profile
 * picture's is global, a team's picture or a period's proof the team's session. A team that is gone by
 * then makes the step refuse, writing nothing: it runs in the global part.
 */
function partOfPictureTarget(target: PictureTarget, before: EngineState): Part {
  if (target.kind === 'player') return GLOBAL;
  const team = before.tables.team.get(target.team);
  return team === undefined ? GLOBAL : sessionPart(team.session);
}

const partOfTimer = (timer: Tables['timer']): Part =>
  timer.session === null ? GLOBAL : sessionPart(timer.session);

/** The fields of a session record its game writes; the others are its entry in the global part. */
const SESSION_GAME_FIELDS: readonly (keyof SessionRecord)[] = [
  'config',
  'game',
  'gamesPlayed',
  'clockPausedAt',
];

/**
 * A session record is split by field. Its game fields (config, the running game, the games played, the
 * clock's pause) are the session's part. Its name, mode and time zone are its entry in the global part's
 * list of sessions (`session.list`; names are unique across sessions). Creating a session is the global
 * part's (`session.add`): the new record's game fields are the defaults its part starts from. Removing
 * one (no command does yet) would end its part and its entry: both.
 */
function partsOfSessionChange(old: SessionRecord | undefined, doc: SessionRecord | undefined): Part[] {
  if (old === undefined) return [GLOBAL];
  if (doc === undefined) return [GLOBAL, sessionPart(old.id)];
  const fields = new Set([...Object.keys(old), ...Object.keys(doc)] as (keyof SessionRecord)[]);
  const changed = [...fields].filter((field) => JSON.stringify(doc[field]) !== JSON.stringify(old[field]));
  const game = changed.filter((field) => SESSION_GAME_FIELDS.includes(field));
  return [
    ...(changed.length > game.length ? [GLOBAL] : []),
    ...(game.length > 0 ? [sessionPart(doc.id)] : []),
  ];
}
