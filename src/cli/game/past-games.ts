import type { CliContext } from '../program.js';
import { localTime, namesFrom, printSections, show, wholeNumber, withConnection } from './call.js';
import { eventRow } from './render.js';
import { resolvePlayer } from './resolve.js';

/** `past-game list [--player P]` and `past-game show ID`: archived games (global, no --session). */
export function registerPastGameCommands({ program, globals }: CliContext): void {
  const pastGame = program.command('past-game').description('archived games');

  pastGame
    .command('list')
    .description('every archived game, or those a player (name or id) took part in')
    .option('--player <player>', 'only games this player played in')
    .action((o: { player?: string }) =>
      withConnection(globals(), async (client) => {
        const player =
          o.player === undefined
            ? undefined
            : resolvePlayer(await client.request({ type: 'player.list' }), o.player);
        const [games, sessions] = await Promise.all([
          client.request({ type: 'pastGame.list', ...(player === undefined ? {} : { player: player.id }) }),
          client.request({ type: 'session.list' }),
        ]);
        show(globals(), games, () =>
          games.map((g) => {
            const timeZone = sessions.find((s) => s.id === g.session)?.timeZone ?? 'UTC';
            return {
              id: g.id,
              name: g.name,
              session: sessions.find((s) => s.id === g.session)?.name ?? `#${g.session}`,
              started: localTime(g.startedAt, timeZone),
              ended: localTime(g.endedAt, timeZone),
            };
          }),
        );
      }),
    );

  pastGame
    .command('show <id>')
    .description('one archived game: its final standings, trails and events')
    .action((id: string) =>
      withConnection(globals(), async (client) => {
        const [game, players, zones, sessions] = await Promise.all([
          client.request({ type: 'pastGame.get', id: wholeNumber(id, 'ID') }),
          client.request({ type: 'player.list' }),
          client.request({ type: 'zone.list' }),
          client.request({ type: 'session.list' }),
        ]);
        if (globals().json === true) return show(globals(), game, () => game);
        const timeZone = sessions.find((s) => s.id === game.session)?.timeZone ?? 'UTC';
        const names = namesFrom(game.teams, players, zones, [], timeZone);
        printSections([
          {
            value: {
              id: game.id,
              name: game.name,
              mode: game.mode,
              started: localTime(game.startedAt, timeZone),
              ended: localTime(game.endedAt, timeZone),
            },
          },
          {
            title: 'teams:',
            value: game.teams.map((t) => ({
              id: t.id,
              name: t.name,
              role: t.role,
              points: t.points,
              bounty: t.bounty,
              players: t.players.map(names.player).join(', '),
              periods: t.periods.length,
              'trail points': t.track.length,
            })),
          },
          { title: 'events:', value: game.events.map((e) => eventRow(e, names)) },
        ]);
      }),
    );
}
