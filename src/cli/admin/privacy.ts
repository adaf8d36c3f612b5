import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TruinlagClient } from '../../client/node.js';
import type { Player } from '../../protocol/entities.js';
import { failedStep, type GlobalOptions } from '../connection.js';
import { show, withConnection } from '../game/call.js';
import { printResult } from '../output.js';
import { resolvePlayer } from '../game/resolve.js';
import { eraseInSteps } from './erase-steps.js';

/** `player erase|export` (PRIVACY-2, PRIVACY-3). A player is named by id, or by name among live players. */

async function findPlayer(client: TruinlagClient, ref: string): Promise<Player> {
  return resolvePlayer(await client.request({ type: 'player.list' }), ref);
}

/**
 * Erases a player in one action (PRIVACY-2, CLUSTER-17): off their team, `player.forget` in their session
 * and in each session the global step names (`ERASE_SESSIONS_FIRST`), then `player.erase`. A step that
 * fails says what is done; running the command again finishes it.
 */
export function playerErase(options: GlobalOptions, ref: string): Promise<void> {
  return withConnection(options, async (client) => {
    const player = await findPlayer(client, ref);
    const done: string[] = [];
    try {
      const erased = await eraseInSteps(client, player, done);
      show(options, erased, () => `erased player ${player.id}: history now shows "${erased.name}"`);
    } catch (error) {
      const so = done.length === 0 ? 'Nothing was changed' : `Done so far: ${done.join('; ')}`;
      throw failedStep(error, `${so}. \`truinlag player erase ${player.id}\` again finishes the erasure.`);
    }
  });
}

/** The player's own data as one JSON document, on stdout or into `--out FILE`. */
export function playerExport(options: GlobalOptions, ref: string, out: string | undefined): Promise<void> {
  return withConnection(options, async (client) => {
    const player = await findPlayer(client, ref);
    const data = await client.request({ type: 'player.export', id: player.id });
    if (out === undefined) {
      process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      return;
    }
    writeFileSync(resolve(out), `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    printResult({ file: resolve(out), player: player.id, games: data.games.length }, options.json === true);
  });
}
