import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TruinlagClient } from '../../src/client/node.js';
import { eraseInSteps } from '../../src/cli/admin/erase-steps.js';
import type { Player } from '../../src/protocol/entities.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { DATABASE_FILE, SqliteStore } from '../../src/store/sqlite-store.js';
import { openClient, startTestServer, type TestServer } from '../helpers/index.js';
import {
  getHttp,
  httpBase,
  makeImage,
  makeWorld,
  playCatch,
  uploaded,
  uploadHttp,
  type World,
} from '../pictures/support.js';

/** A finished game with a player's personal data everywhere: name, phone, pictures, a track. */
export interface PlayedGame {
  readonly server: TestServer;
  readonly clock: FakeClock;
  readonly owner: TruinlagClient;
  readonly world: World;
  /** The player whose data the tests look for (world.players.a0), and that data. */
  readonly player: number;
  readonly name: string;
  readonly phone: string;
  /** A coordinate the player reported, as it appears in JSON. */
  readonly coordinate: string;
  /** Stored picture bytes (profile and proof, full size and thumbnails). */
  readonly pictureBytes: readonly Buffer[];
  readonly pictures: readonly number[];
  readonly pastGame: number;
}

export const NAME = 'Zephyrine Quaxworth';
export const PHONE = '+41 79 555 12 34';

/**
 * Plays a short game at 09:00 (a fake clock): player a0 gets a distinctive name and phone, uploads a
 * profile and a proof picture, reports a position, and the game is stopped and archived.
 */
export async function playedGame(): Promise<PlayedGame> {
  const clock = new FakeClock();
  const server = await startTestServer({ clock });
  const owner = await openClient({ socket: server.socketPath });
  const world = await makeWorld(owner);
  const player = world.players.a0;
  await owner.request({ type: 'player.edit', id: player, name: NAME, phone: PHONE });
  const base = httpBase(server.url);
  const token = world.tokens.a0;
  const profile = uploaded(
    await uploadHttp(
      base,
      token,
      { kind: 'player', player },
      await makeImage('png', 96, 96, { noise: true }),
    ),
  );
  const game = await playCatch(owner, world);
  const period = game.catcher === world.teams.a ? game.catcherPeriod : game.caughtPeriod;
  const proof = uploaded(
    await uploadHttp(
      base,
      token,
      { kind: 'period', team: world.teams.a, period },
      await makeImage('jpeg', 120, 80, { noise: true }),
    ),
  );
  const phone = await openClient({ url: server.url, token });
  const location = { lat: 47.123456, lon: 8.654321, accuracy: 5, heading: null, speed: null };
  await phone.request({ type: 'location.send', location: { ...location, timestamp: clock.now() } });
  phone.close();
  const { pastGame } = await owner.request({ type: 'game.stop' }, { session: world.session });
  const pictureBytes: Buffer[] = [];
  for (const id of [profile.id, proof.id]) {
    for (const path of [`/pictures/${id}`, `/pictures/${id}/thumb`])
      pictureBytes.push((await getHttp(base, path, { bearer: server.adminToken })).bytes);
  }
  return {
    server,
    clock,
    owner,
    world,
    player,
    name: NAME,
    phone: PHONE,
    coordinate: '47.123456',
    pictureBytes,
    pictures: [profile.id, proof.id],
    pastGame,
  };
}

/** The bytes of the data directory's database file and its WAL (what a copy of the directory holds). */
export function storeBytes(dataDir: string): Buffer {
  const file = join(dataDir, DATABASE_FILE);
  const wal = `${file}-wal`;
  return Buffer.concat([readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
}

/** Which of the given texts and byte strings occur in `bytes` (a 64-byte slice stands for a picture). */
export function traces(bytes: Buffer, texts: readonly string[], pictures: readonly Buffer[]): string[] {
  const found = texts.filter((t) => bytes.includes(Buffer.from(t, 'utf8')));
  pictures.forEach((p, i) => {
    const slice = p.subarray(Math.floor(p.length / 2), Math.floor(p.length / 2) + 64);
    if (bytes.includes(slice)) found.push(`picture bytes #${i}`);
  });
  return found;
}

/**
 * Erases a player as the CLI's `player erase` does (CLUSTER-17): off their team, forgotten in each session
 * that holds something of them, then the global erase. Answers the erased player and the steps done.
 */
export async function erasePlayer(
  client: TruinlagClient,
  id: number,
): Promise<{ erased: Player; done: string[] }> {
  const done: string[] = [];
  const erased = await eraseInSteps(client, await client.request({ type: 'player.get', id }), done);
  return { erased, done };
}

/** The replay of a stopped server's journal (DURABILITY-3): whether it rebuilds the stored state. */
export function replayOf(dataDir: string): ReturnType<typeof replayJournal> {
  const store = SqliteStore.open(dataDir);
  try {
    return replayJournal(store);
  } finally {
    store.close();
  }
}
