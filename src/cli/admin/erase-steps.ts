import type { TruinlagClient } from '../../client/node.js';
import { TruinlagError } from '../../client/node.js';
import type { Player } from '../../protocol/entities.js';

/**
 * The steps of erasing a player (CLUSTER-17), each in one part: off their team (`team.assign` in their
 * session), `player.forget` in their session, in each session whose archive says they played there
 * (`player.export`) and in each session the global step's refusal names (`ERASE_SESSIONS_FIRST`), then
 * `player.erase`. `done` says which have happened, for a failure midway.
 */
export async function eraseInSteps(client: TruinlagClient, player: Player, done: string[]): Promise<Player> {
  const { session, team } = player;
  if (session !== null && team !== null) {
    await client.request({ type: 'team.assign', player: player.id, team: null }, { session });
    done.push(`taken off team ${team}`);
  }
  const forgotten = new Set<number>();
  const forget = async (id: number): Promise<void> => {
    if (forgotten.has(id)) return;
    await client.request({ type: 'player.forget', player: player.id }, { session: id });
    forgotten.add(id);
    done.push(`forgotten in session ${id}`);
  };
  // Their own session and those they played in: their journals name them where no record may any more.
  const { games } = await client.request({ type: 'player.export', id: player.id });
  for (const id of new Set([...(session === null ? [] : [session]), ...games.map((g) => g.session)]))
    await forget(id);
  try {
    return await client.request({ type: 'player.erase', id: player.id });
  } catch (error) {
    if (!(error instanceof TruinlagError) || error.code !== 'ERASE_SESSIONS_FIRST') throw error;
    for (const id of (error.details?.sessions ?? []) as number[]) await forget(id);
    return client.request({ type: 'player.erase', id: player.id });
  }
}
