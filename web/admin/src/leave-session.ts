import type { Player } from '../../../src/protocol/entities.js';
import type { Desk } from './desk.js';
import { refusalText } from './desk.js';

/** Where a player goes when they leave their session: another session, none, or removed altogether. */
export type Leaving =
  { readonly kind: 'move'; readonly session: number | null } | { readonly kind: 'remove' };

/**
 * Takes a player out of their session in one click, in the two steps the server asks for (CLUSTER-15): a
 * global step never writes a session's teams, so `player.edit` to another session and `player.remove` are
 * refused while a team lists the player (`PLAYER_ON_TEAM`). A player on a team is first taken off it in
 * their session (`team.assign` with no team); if the global step is then refused, the error says that the
 * player is now on no team, so the game master knows what changed.
 */
export async function leaveSession(desk: Desk, player: Player, leaving: Leaving): Promise<void> {
  const team = player.team;
  if (team !== null && player.session !== null)
    await desk.request({ type: 'team.assign', player: player.id, team: null }, player.session);
  try {
    if (leaving.kind === 'remove') await desk.request({ type: 'player.remove', id: player.id });
    else await desk.request({ type: 'player.edit', id: player.id, session: leaving.session });
  } catch (error) {
    if (team === null) throw error;
    const teamName = desk.view.value?.state.teams.find((t) => t.id === team)?.name ?? `team ${team}`;
    const what = leaving.kind === 'remove' ? 'removed' : 'moved';
    throw new Error(
      `${player.name} was taken off ${teamName} but could not be ${what}: ${refusalText(error)} ` +
        `Put them back on a team below if they stay.`,
    );
  }
}
