import type { Command } from 'commander';
import type { TruinlagClient } from '../../client/node.js';
import { generatePassphrase } from '../../client/passphrase.js';
import type { Player } from '../../protocol/entities.js';
import { MODES } from '../../protocol/vocabulary.js';
import { CliError, failedStep, type GlobalOptions } from '../connection.js';
import type { CliContext } from '../program.js';
import { findSession, namesFrom, printSections, show, withConnection, withSession } from './call.js';
import { gameRecord, playerRow, teamRow } from './render.js';
import { resolvePlayer } from './resolve.js';

/**
 * `session show|edit` and `player add|list|show|edit|remove` (the groups live in commands/people.ts).
 * Sessions are named by the global --session (name or id) or an argument; players by name or id.
 */
export function registerSessionExtras(group: Command, { globals }: CliContext): void {
  group
    .command('show [session]')
    .description('the session (default: --session) with its game, teams and players')
    .action((ref: string | undefined) =>
      withSession(
        globals(),
        async (call) => {
          const state = await call.state();
          if (globals().json === true) return show(globals(), state, () => state);
          const names = await call.names();
          const { session } = state;
          printSections([
            {
              value: {
                id: session.id,
                name: session.name,
                mode: session.mode,
                timeZone: session.timeZone,
                ...gameRecord(state.game, session.timeZone),
              },
            },
            { title: 'teams:', value: state.teams.map((t) => teamRow(t, names)) },
            {
              title: 'players:',
              value: state.players.map((p) => playerRow(p, () => session.name, names.team)),
            },
          ]);
        },
        ref ?? globals().session,
      ),
    );

  group
    .command('edit')
    .description("change the --session session's name, mode or time zone (not while its game runs)")
    .option('--name <name>', 'new name (unique)')
    .option('--mode <mode>', MODES.join(' or '))
    .option('--time-zone <zone>', 'IANA time zone, e.g. Europe/Zurich')
    .action((o: { name?: string; mode?: string; timeZone?: string }) =>
      withSession(globals(), async (call) => {
        const mode =
          o.mode === undefined ? undefined : MODES.find((m) => m.toLowerCase() === o.mode?.toLowerCase());
        if (o.mode !== undefined && mode === undefined)
          throw new CliError('INVALID', `Unknown mode "${o.mode}" (${MODES.join(', ')}).`);
        const edited = await call.request({
          type: 'session.edit',
          ...(o.name === undefined ? {} : { name: o.name }),
          ...(mode === undefined ? {} : { mode }),
          ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
        });
        show(globals(), edited, () => edited);
      }),
    );
}

/**
 * `player add NAME [--passphrase P]`, in the --session session (name or id) if one is given. Without a
 * passphrase one is generated (AUTH-10) and printed with the player: the only time it is ever shown.
 */
export function playerAdd(options: GlobalOptions, name: string, given: string | undefined): Promise<void> {
  const passphrase = given ?? generatePassphrase();
  return withConnection(options, async (client) => {
    const session = options.session === undefined ? undefined : await findSession(client, options.session);
    const player = await client.request({
      type: 'player.add',
      name,
      passphrase,
      ...(session === undefined ? {} : { session }),
    });
    const shown = given === undefined ? { ...player, passphrase } : player;
    show(options, shown, () => shown);
  });
}

/** `player list`: every player, or only the --session session's. */
export function playerList(options: GlobalOptions): Promise<void> {
  return withConnection(options, async (client) => {
    const [all, sessions] = await Promise.all([
      client.request({ type: 'player.list' }),
      client.request({ type: 'session.list' }),
    ]);
    const session = options.session === undefined ? undefined : await findSession(client, options.session);
    const players = session === undefined ? all : all.filter((p) => p.session === session);
    const names = await peopleNames(client, players, sessions);
    show(options, players, () => players.map((p) => playerRow(p, names.session, names.team)));
  });
}

export function registerPlayerExtras(group: Command, { globals }: CliContext): void {
  group
    .command('show <player>')
    .description('one player, by name or id')
    .action((ref: string) =>
      withConnection(globals(), async (client) => {
        const player = await findPlayer(client, ref);
        const names = await peopleNames(client, [player], await client.request({ type: 'session.list' }));
        show(globals(), player, () => playerRow(player, names.session, names.team));
      }),
    );

  group
    .command('edit <player>')
    .description(
      'change a player (by name or id): --name, --passphrase, --phone; the global --session S moves ' +
        'them to session S, --no-session out of any session (first taking them off their team)',
    )
    .option('--name <name>', 'new name')
    .option('--passphrase <passphrase>', 'new login passphrase (unique)')
    .option('--phone <phone>', 'phone number')
    .option('--no-phone', 'forget the phone number')
    .option('--no-session', 'take the player out of their session (and team)')
    .action(
      (ref: string, o: { name?: string; passphrase?: string; phone?: string | false; session: boolean }) => {
        const options = globals();
        if (!o.session && options.session !== undefined)
          throw new CliError('INVALID', 'Give either --session S or --no-session, not both.');
        return withConnection(options, async (client) => {
          const player = await findPlayer(client, ref);
          const session = !o.session
            ? null
            : options.session === undefined
              ? undefined
              : await findSession(client, options.session);
          const changes = {
            ...(o.name === undefined ? {} : { name: o.name }),
            ...(o.passphrase === undefined ? {} : { passphrase: o.passphrase }),
            ...(o.phone === undefined ? {} : { phone: o.phone === false ? null : o.phone }),
            ...(session === undefined ? {} : { session }),
          };
          if (Object.keys(changes).length === 0)
            throw new CliError(
              'INVALID',
              'Nothing to change: give --name, --passphrase, --phone, --no-phone, --session or --no-session.',
            );
          const edit = () => client.request({ type: 'player.edit', id: player.id, ...changes });
          const moving = session !== undefined && session !== player.session;
          const edited = moving ? await offTeamThen(client, player, edit) : await edit();
          const names = await peopleNames(client, [edited], await client.request({ type: 'session.list' }));
          show(options, edited, () => playerRow(edited, names.session, names.team));
        });
      },
    );

  group
    .command('remove <player>')
    .description(
      'remove a player (by name or id): off their team first, then out of their session, no more logins',
    )
    .action((ref: string) =>
      withConnection(globals(), async (client) => {
        const player = await findPlayer(client, ref);
        const removed = await offTeamThen(client, player, () =>
          client.request({ type: 'player.remove', id: player.id }),
        );
        show(globals(), removed, () => ({ removed: `${removed.name} (id ${removed.id})` }));
      }),
    );
}

/**
 * Runs a global command that takes a player out of their session (`player.edit` to another session or
 * none, `player.remove`). The server refuses it while a team of the session lists the player
 * (`PLAYER_ON_TEAM`, CLUSTER-15), so a player on a team is first taken off it by the session's
 * `team.assign` with no team. A refusal of the second step says that the first was done and how to undo it.
 */
async function offTeamThen(
  client: TruinlagClient,
  player: Player,
  leave: () => Promise<Player>,
): Promise<Player> {
  if (player.team === null || player.session === null) return leave();
  await client.request({ type: 'team.assign', player: player.id, team: null }, { session: player.session });
  try {
    return await leave();
  } catch (error) {
    throw failedStep(
      error,
      `${player.name} was taken off their team first and is now on none: ` +
        `\`truinlag --session ${player.session} assign ${player.id} ${player.team}\` puts them back.`,
    );
  }
}

async function findPlayer(client: TruinlagClient, ref: string): Promise<Player> {
  return resolvePlayer(await client.request({ type: 'player.list' }), ref);
}

/** Session and team names for the players' rows (one team.list per session they are in). */
async function peopleNames(
  client: TruinlagClient,
  players: readonly Player[],
  sessions: readonly { id: number; name: string }[],
): Promise<{ session: (id: number | null) => string; team: (id: number | null) => string }> {
  const inSessions = [...new Set(players.flatMap((p) => (p.session === null ? [] : [p.session])))];
  const teams = (
    await Promise.all(inSessions.map((session) => client.request({ type: 'team.list' }, { session })))
  ).flat();
  const names = namesFrom(teams, [], [], [], 'UTC');
  const sessionName = (id: number | null): string =>
    id === null ? '' : (sessions.find((s) => s.id === id)?.name ?? `#${id}`);
  return { session: sessionName, team: (id) => names.team(id) };
}
