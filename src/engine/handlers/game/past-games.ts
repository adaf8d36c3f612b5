import type { PastGameRecord } from '../../game/types.js';
import { eventsOf, teamView } from '../../game/views.js';
import { notFound, ok, type Handler } from '../../handler.js';

const info = (
  g: PastGameRecord,
): { id: number; session: number; name: string; startedAt: number; endedAt: number } => ({
  id: g.id,
  session: g.session,
  name: g.name,
  startedAt: g.startedAt,
  endedAt: g.endedAt,
});

export const pastGameList: Handler<'pastGame.list'> = (command, { tx }) => {
  const player = command.player;
  if (player !== undefined && tx.get('player', player) === undefined) return notFound('player', player);
  return ok(
    tx
      .all('pastGame')
      .filter((g) => player === undefined || g.teams.some((t) => t.players.includes(player)))
      .map(info),
  );
};

/** An archived game with real team ids, full timestamps, trails and events (PAST-1, PAST-2). */
export const pastGameGet: Handler<'pastGame.get'> = (command, { tx }) => {
  const game = tx.get('pastGame', command.id);
  if (game === undefined) return notFound('past game', command.id);
  return ok({
    ...info(game),
    mode: game.mode,
    startedBy: game.startedBy ?? { kind: 'owner' },
    endedBy: game.endedBy ?? { kind: 'owner' },
    corrections: [...(game.corrections ?? [])],
    expiredAt: game.expiredAt ?? null,
    teams: game.teams.map((t) => ({ ...teamView(t), track: [...t.track] })),
    events: eventsOf(game.teams),
  });
};
