import { CHALLENGE_DEFAULTS } from '../../src/engine/catalogue/defaults.js';
import type { TruinlagClient } from '../../src/client/node.js';
import type { Player, Session } from '../../src/protocol/entities.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import type { z } from 'zod';
import type { teamSchema } from '../../src/protocol/game.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { stateHash } from '../../src/store/state-json.js';
import {
  journalLength,
  nextBroadcast,
  openClient,
  startTestServer,
  type TestServer,
} from '../helpers/index.js';

/** A test server on a FakeClock (Saturday 2026-06-13 09:00 in Zürich), so grace periods can be run out. */
export async function startAuthServer(dataDir?: string): Promise<{ server: TestServer; clock: FakeClock }> {
  const clock = new FakeClock();
  const server = await startTestServer({ clock, ...(dataDir === undefined ? {} : { dataDir }) });
  return { server, clock };
}

/** The game master's connection: the local Unix socket, which is admin without a token. */
export const adminClient = (server: TestServer): Promise<TruinlagClient> =>
  openClient({ socket: server.socketPath });

/** A WebSocket connection without a token: a guest. */
export const guestClient = (server: TestServer): Promise<TruinlagClient> => openClient({ url: server.url });

/** A WebSocket connection that logs in with the passphrase (the client's `login`) and is then that player. */
export async function playerClient(server: TestServer, passphrase: string): Promise<TruinlagClient> {
  const client = await guestClient(server);
  await client.login(passphrase);
  return client;
}

/** Every broadcast a client receives from now on, in arrival order. */
export function collect(client: TruinlagClient): BroadcastMessage[] {
  const seen: BroadcastMessage[] = [];
  client.onBroadcast((b) => seen.push(b));
  return seen;
}

/**
 * Waits until every client has received a global ping sent after everything else: broadcasts reach a
 * connection in commit order, so whatever it was going to receive before the ping has arrived by then.
 */
export async function settle(
  admin: TruinlagClient,
  clients: readonly TruinlagClient[],
  mark: string,
): Promise<void> {
  const arrived = clients.map((c) =>
    nextBroadcast(c, (b) => b.event.type === 'pinged' && b.event.text === mark),
  );
  await admin.request({ type: 'ping', text: mark });
  await Promise.all(arrived);
}

/** What must not change when a command is refused: the whole state (hash) and the journal. */
export function fingerprint(server: TestServer): { hash: string; journal: number } {
  return { hash: stateHash(server.server.runtime.current), journal: journalLength(server.dataDir) };
}

export type TeamView = z.infer<typeof teamSchema>;

export interface World {
  readonly session: Session;
  readonly teams: TeamView[];
  readonly players: Player[];
  /** Passphrase of players[i]. */
  readonly passphrases: string[];
}

/**
 * A session with `teams` teams of one player each (player i in team i), made by the game master through
 * the engine's own commands. `tag` keeps names and passphrases unique across worlds of one server.
 */
export async function makeWorld(admin: TruinlagClient, tag: string, teams: number): Promise<World> {
  const session = await admin.request({ type: 'session.add', name: `Session ${tag}` });
  const made: TeamView[] = [];
  const players: Player[] = [];
  const passphrases: string[] = [];
  const names = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];
  for (let i = 0; i < teams; i++) {
    const passphrase = `pass-${tag}-${i}-secret`;
    const player = await admin.request({
      type: 'player.add',
      name: `P${tag}${i}`,
      passphrase,
      session: session.id,
    });
    const team = await admin.request(
      { type: 'team.add', name: `${names[i] ?? `Team${i}`} ${tag}` },
      { session: session.id },
    );
    await admin.request({ type: 'team.assign', player: player.id, team: team.id }, { session: session.id });
    made.push(team);
    players.push(player);
    passphrases.push(passphrase);
  }
  return { session, teams: made, players, passphrases };
}

let catalogueMade = false;

/**
 * The smallest catalogue a game starts with (global, made once per server): the start and centre zone
 * 110 and three approved, unspecific challenges in one set. Call `resetCatalogueFlag` when a new server starts.
 */
export async function ensureCatalogue(admin: TruinlagClient): Promise<void> {
  if (catalogueMade) return;
  const set = await admin.request({ type: 'set.add', name: 'Auth tests' });
  await admin.request({
    type: 'zone.add',
    zone: {
      number: 110,
      numConnZones: 6,
      numConnections: 36,
      trainThrough: true,
      mongus: false,
      sBahnZone: true,
      minutesTo: {},
      closeSectors: [],
    },
  });
  for (let i = 1; i <= 3; i++) {
    await admin.request({
      type: 'challenge.add',
      challenge: {
        ...CHALLENGE_DEFAULTS,
        kind: 'Unspezifisch',
        sets: [set.id],
        status: 'Approved',
        title: `Challenge ${i}`,
        description: `Do thing ${i}.`,
        additionalPoints: 100 * i,
        fixed: true,
      },
    });
  }
  catalogueMade = true;
}

export function resetCatalogueFlag(): void {
  catalogueMade = false;
}

/** Starts the world's game with one catcher team; returns the teams as they are at the start. */
export async function startGame(admin: TruinlagClient, world: World): Promise<TeamView[]> {
  await ensureCatalogue(admin);
  const session = world.session.id;
  await admin.request({ type: 'config.set', changes: { numCatchers: 1 } }, { session });
  const started = await admin.request({ type: 'game.start' }, { session });
  return started.teams;
}

/** A location fix near Zürich HB, `step` metres-ish north of it, precise enough to be taken at once. */
export function fix(
  clock: FakeClock,
  step: number,
): {
  lat: number;
  lon: number;
  accuracy: number;
  heading: null;
  speed: null;
  timestamp: number;
} {
  return {
    lat: 47.378 + step * 0.00001,
    lon: 8.54,
    accuracy: 5,
    heading: null,
    speed: null,
    timestamp: clock.now(),
  };
}
