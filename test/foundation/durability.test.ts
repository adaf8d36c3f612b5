import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { Player } from '../../src/protocol/entities.js';
import {
  closeClients,
  killSpawnedServers,
  openClient,
  removeTempDirs,
  spawnServer,
  tempDir,
  type SpawnedServer,
  CHILD_PROCESS_TEST_MS,
} from '../helpers/index.js';

afterEach(async () => {
  closeClients();
  await killSpawnedServers();
  removeTempDirs();
});

/**
 * Sends `count` player.add requests at once (all in flight together) and calls `onAck` synchronously
 * for each acknowledged one, in the order the acknowledgements arrive.
 */
function addPlayers(
  client: TruinlagClient,
  prefix: string,
  count: number,
  onAck: (player: Player, acked: number) => void,
): Promise<unknown> {
  let acked = 0;
  return Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      client
        .request({ type: 'player.add', name: `${prefix}-${i}`, passphrase: `${prefix}-secret-words-${i}` })
        .then((player) => onAck(player, ++acked)),
    ),
  );
}

async function playersAfterRestart(dataDir: string): Promise<Player[]> {
  const restarted = await spawnServer(dataDir);
  const client = await openClient({ url: restarted.url, token: restarted.adminToken });
  const players = await client.request({ type: 'player.list' });
  client.close();
  await restarted.kill('SIGTERM');
  return players;
}

describe(
  '[DURABILITY-1] durability: kill -9 loses no acknowledged request',
  { timeout: CHILD_PROCESS_TEST_MS },
  () => {
    it('every player acknowledged before a SIGKILL right after the last response is there after a restart', async () => {
      const dir = tempDir();
      const server: SpawnedServer = await spawnServer(dir);
      const client = await openClient({ url: server.url, token: server.adminToken });
      const acked: Player[] = [];
      const total = 120;
      let killed: Promise<unknown> | undefined;
      await addPlayers(client, 'p', total, (player, count) => {
        acked.push(player);
        // Immediately after the last acknowledgement, in the same tick: no chance for a clean shutdown.
        if (count === total) killed = server.kill('SIGKILL');
      });
      expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
      expect(acked).toHaveLength(total);
      // The kill left the socket file behind; the restart replaces it.
      expect(existsSync(server.socketPath)).toBe(true);

      const players = await playersAfterRestart(dir);
      expect(players).toEqual(expect.arrayContaining(acked));
      expect(players).toHaveLength(total);
    });

    it('a SIGKILL in the middle of a burst keeps every acknowledged player and never duplicates one', async () => {
      const dir = tempDir();
      const server = await spawnServer(dir);
      const client = await openClient({ url: server.url, token: server.adminToken });
      const acked: Player[] = [];
      const total = 300;
      let killed: Promise<unknown> | undefined;
      await addPlayers(client, 'q', total, (player, count) => {
        acked.push(player);
        if (count === 100) killed = server.kill('SIGKILL');
      });
      await killed;
      expect(acked.length).toBeGreaterThanOrEqual(100);

      const players = await playersAfterRestart(dir);
      expect(players).toEqual(expect.arrayContaining(acked));
      // Unacknowledged requests may or may not have been committed, but none twice, and ids stay unique.
      expect(new Set(players.map((p) => p.name)).size).toBe(players.length);
      expect(new Set(players.map((p) => p.id)).size).toBe(players.length);
      expect(players.length).toBeLessThanOrEqual(total);
    });

    it('[PROTOCOL-5] ids are not reused after a crash: the next player gets a fresh id', async () => {
      const dir = tempDir();
      const first = await spawnServer(dir);
      const client = await openClient({ socket: first.socketPath });
      const a = await client.request({ type: 'player.add', name: 'A', passphrase: 'a-secret-words' });
      const s = await client.request({ type: 'session.add', name: 'S' });
      await first.kill('SIGKILL');
      client.close();

      const second = await spawnServer(dir);
      const again = await openClient({ socket: second.socketPath });
      const b = await again.request({ type: 'player.add', name: 'B', passphrase: 'b-secret-words' });
      const t = await again.request({ type: 'session.add', name: 'T' });
      expect(b.id).toBeGreaterThan(a.id);
      expect(t.id).toBeGreaterThan(s.id);
      // The passphrase uniqueness survives too (the secret key is read back from the data directory).
      await expect(
        again.request({ type: 'player.add', name: 'C', passphrase: 'a-secret-words' }),
      ).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
      await second.kill('SIGTERM');
    });
  },
);
