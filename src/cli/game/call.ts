import type { TruinlagClient } from '../../client/node.js';
import type { AnyCommandInput, ResultOf } from '../../protocol/commands/index.js';
import { SESSION_COMMANDS } from '../../protocol/session-commands.js';
import type { Player } from '../../protocol/entities.js';
import { localTime as wallClock } from '../../engine/time-zone.js';
import { UnknownReference } from '../catalogue/live.js';
import { CliError, cliClient, type GlobalOptions } from '../connection.js';
import { printResult } from '../output.js';
import { namesSession, resolvePlayer, resolveSessionId, resolveTeam, type Team } from './resolve.js';

/**
 * The game commands' plumbing: one connection per CLI call; the global `--session` (a name or an id)
 * resolved over it with `session.list`, or for a player's connection its own session (from its welcome);
 * names of teams and players resolved against one `session.state` snapshot; ids turned back into names
 * for the human tables.
 */

export type SessionState = ResultOf<'session.state'>;

/** Opens the CLI's connection (the --session text is resolved by the caller, never sent raw). */
export async function withConnection<T>(
  options: GlobalOptions,
  work: (client: TruinlagClient) => Promise<T>,
): Promise<T> {
  const client = cliClient({ ...options, session: undefined });
  try {
    await client.ready;
    return await work(client);
  } finally {
    client.close();
  }
}

/**
 * The session a player connection acts in: its own, from its welcome (undefined for any other
 * connection). A player token works in that session only.
 */
function playerSession(client: TruinlagClient): number | undefined {
  const welcome = client.welcome;
  if (welcome?.role !== 'player') return undefined;
  if (welcome.session === null) throw new CliError('NOT_FOUND', 'This player is in no session.');
  return welcome.session;
}

/** The id of a session given by name or id, resolved with `session.list` (a game master's look-up). */
export async function findSession(client: TruinlagClient, ref: string): Promise<number> {
  return resolveSessionId(await client.request({ type: 'session.list' }), ref);
}

/** A connection bound to the session the global `--session` names. */
export interface SessionCall {
  readonly client: TruinlagClient;
  /** The session's id. */
  readonly session: number;
  /** Sends a command; session-scoped commands go to this session. */
  request<C extends AnyCommandInput>(command: C): Promise<ResultOf<C['type']>>;
  /** The session's state (teams, players, events), read once per call. */
  state(): Promise<SessionState>;
  /** A team of the session by id, name, or one of its players' names. */
  team(ref: string): Promise<Team>;
  /** A player by id, or by name among the session's players. */
  player(ref: string): Promise<Player>;
  /** Id → name look-ups for human output (fetched once). */
  names(): Promise<Names>;
}

/** Runs `work` on a connection bound to the session `ref` names (default: the global --session). */
export function withSession<T>(
  options: GlobalOptions,
  work: (call: SessionCall) => Promise<T>,
  ref: string | undefined = options.session,
): Promise<T> {
  return withConnection(options, async (client) => work(await sessionCall(client, ref)));
}

/** Whether a connection is a player's: it acts in its own session, without `--session`. */
export const isPlayerConnection = (client: TruinlagClient): boolean => client.welcome?.role === 'player';

/**
 * Binds a connection to the session `ref` names; a player's connection may leave it out (it acts in its
 * own session). Look-ups use only what the connection may read: a player resolves players among its
 * session's, and sees zones and sectors by id (the catalogue is the game master's).
 */
export async function sessionCall(client: TruinlagClient, ref: string | undefined): Promise<SessionCall> {
  const own = playerSession(client);
  const asPlayer = own !== undefined;
  const session = own ?? (ref === undefined ? noSession() : await findSession(client, ref));
  let state: Promise<SessionState> | undefined;
  let names: Promise<Names> | undefined;
  const call: SessionCall = {
    client,
    session,
    request: (command) =>
      SESSION_COMMANDS.has(command.type) ? client.request(command, { session }) : client.request(command),
    state: () => (state ??= client.request({ type: 'session.state' }, { session })),
    team: async (teamRef) => {
      const s = await call.state();
      return resolveTeam(s.teams, s.players, teamRef);
    },
    player: async (playerRef) => {
      const s = await call.state();
      const all = asPlayer ? s.players : await client.request({ type: 'player.list' });
      return resolvePlayer(all, playerRef, s.players);
    },
    names: () => (names ??= fetchNames(client, call.state(), asPlayer)),
  };
  if (asPlayer && ref !== undefined) await ownSessionOnly(call, ref);
  return call;
}

/** A player token works in its own session only: a --session naming another is refused here. */
async function ownSessionOnly(call: SessionCall, ref: string): Promise<void> {
  const { session } = await call.state();
  if (namesSession(session, ref)) return;
  throw new CliError(
    'UNAUTHORISED',
    `This player token works in its own session only: "${session.name}" (id ${session.id}), not "${ref}".`,
  );
}

function noSession(): never {
  throw new CliError(
    'NO_SESSION_SUPPLIED',
    'This command belongs to a game session: name it with --session NAME|ID.',
  );
}

/** Look-ups from ids to what people read; an id it does not know shows as `#id`. */
export interface Names {
  team: (id: number | null) => string;
  player: (id: number | null) => string;
  zone: (id: number | null) => string;
  sector: (id: number | null) => string;
  readonly timeZone: string;
}

async function fetchNames(
  client: TruinlagClient,
  state: Promise<SessionState>,
  asPlayer: boolean,
): Promise<Names> {
  const [s, zones, sectors] = await Promise.all([
    state,
    asPlayer ? [] : client.request({ type: 'zone.list' }),
    asPlayer ? [] : client.request({ type: 'sector.list' }),
  ]);
  return namesFrom(s.teams, s.players, zones, sectors, s.session.timeZone);
}

export function namesFrom(
  teams: readonly { id: number; name: string }[],
  players: readonly { id: number; name: string }[],
  zones: readonly { id: number; number: number }[],
  sectors: readonly { id: number; name: string }[],
  timeZone: string,
): Names {
  const lookup =
    <T extends { id: number }>(rows: readonly T[], text: (row: T) => string) =>
    (id: number | null): string => {
      if (id === null) return '';
      const row = rows.find((r) => r.id === id);
      return row === undefined ? `#${id}` : text(row);
    };
  return {
    team: lookup(teams, (t) => t.name),
    player: lookup(players, (p) => p.name),
    zone: lookup(zones, (z) => String(z.number)),
    sector: lookup(sectors, (s) => s.name),
    timeZone,
  };
}

/** Prints the engine's result with --json, otherwise the human rendering. */
export function show(options: GlobalOptions, json: unknown, human: () => unknown): void {
  printResult(options.json === true ? json : human(), options.json === true);
}

/** Several titled tables or records, for `show` commands read by people. */
export function printSections(sections: readonly { title?: string; value: unknown }[]): void {
  sections.forEach(({ title, value }, i) => {
    if (i > 0) process.stdout.write('\n');
    if (title !== undefined) process.stdout.write(`${title}\n`);
    printResult(value, false);
  });
}

/** `2024-05-04 14:03:07` in the session's time zone (what a game master reads off a watch). */
export function localTime(ms: number | null, timeZone: string): string {
  if (ms === null) return '';
  const t = wallClock(ms, timeZone);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** An ISO 8601 time typed on the command line, as epoch ms. */
export function parseTime(text: string, what: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new CliError('INVALID', `${what}: "${text}" is not an ISO 8601 time.`);
  return ms;
}

/** A whole number typed as an argument, or INVALID naming the argument. */
export function wholeNumber(text: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new CliError('INVALID', `${what} "${text}" is not a whole number.`);
  return Number(text);
}

/** Runs a catalogue look-up (zone number, sector letter, set name), reporting a miss as NOT_FOUND. */
export function lookUp<T>(find: () => T): T {
  try {
    return find();
  } catch (error) {
    if (error instanceof UnknownReference) throw new CliError('NOT_FOUND', error.message);
    throw error;
  }
}
