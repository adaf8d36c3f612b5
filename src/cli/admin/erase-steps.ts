import type { TruinlagClient } from '../../client/node.js';
import { TruinlagError } from '../../client/node.js';
import type { Player } from '../../protocol/entities.js';

/**
 * The steps of erasing a player (CLUSTER-17), each in one part: off their team (`team.assign` in their
 * session), `player.forget` in their session and in each session the global step's refusal names
 * (`ERASE_SESSIONS_FIRST`), then `player.erase`. `done` says which have happened, for a failure midway.
 */
export async function eraseInSteps(client: TruinlagClient, player: Player, done: string[]): Promise<Player> {
  const { session, team } = player;
  if (session !== null && team !== null) {
    await client.request({ type: 'team.assign', player: player.id, team: null }, { session });
    done.push(`taken off team ${team}`);
  }
  const forget = async (id: number): Promise<void> => {
    await client.request({ type: 'player.forget', player: player.id }, { session: id });
    done.push(`forgotten in session ${id}`);
  };
  // Their own session's journal may hold reports of theirs that no record names any more.
  if (session !== null) await forget(session);
  try {
    return await client.request({ type: 'player.erase', id: player.id });
  } catch (error) {
    if (!(error instanceof TruinlagError) || error.code !== 'ERASE_SESSIONS_FIRST') throw error;
    for (const id of (error.details?.sessions ?? []) as number[]) if (id !== session) await forget(id);
    return client.request({ type: 'player.erase', id: player.id });
  }
}
