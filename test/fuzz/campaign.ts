import {
  openClient,
  RawWsClient,
  readStoreRows,
  journalLength,
  spawnServer,
  tempDir,
} from '../helpers/index.js';
import type { ExitStatus } from '../helpers/index.js';
import { fuzz, type FuzzOptions, type FuzzReport } from './run.js';

/** What one fuzzing campaign against a real server process found. */
export interface CampaignResult {
  readonly report: FuzzReport;
  /** The well-behaved player's pings while the fuzzer ran: how many, and the longest wait for an answer. */
  readonly wellBehaved: { readonly pings: number; readonly failed: number; readonly maxWaitMs: number };
  /** Whether state, store rows and journal were the same after the campaign as before it. */
  readonly unchanged: { readonly state: boolean; readonly rows: boolean; readonly journal: boolean };
  /** The server was still running at the end, and how it exited when asked to stop. */
  readonly alive: boolean;
  readonly exit: ExitStatus;
  readonly seconds: number;
}

/** How often the well-behaved player pings (well within a player's request budget, LIMIT-7). */
const PING_EVERY_MS = 100;

/**
 * Starts `truinlag serve` as its own process behind a trusted proxy (so that each fuzzing connection
 * has its own address), gives it a session with one player, and fuzzes it while that player, from an
 * address of its own, pings it and times the answers. Afterwards the state, the store's rows and the
 * journal are compared with before, and the server is stopped.
 */
export async function runCampaign(options: FuzzOptions): Promise<CampaignResult> {
  const started = Date.now();
  const server = await spawnServer(tempDir(), { env: { TRUINLAG_TRUST_PROXY: '1' } });
  const admin = await openClient({ socket: server.socketPath });
  const session = await admin.request({ type: 'session.add', name: 'Fuzzed' });
  await admin.request({
    type: 'player.add',
    name: 'Good',
    passphrase: 'well behaved player',
    session: session.id,
  });
  const player = await loggedInPlayer(server.url, 'well behaved player');
  const before = {
    state: await admin.request({ type: 'state.get' }),
    rows: readStoreRows(server.dataDir),
    journal: journalLength(server.dataDir),
  };

  let fuzzing = true;
  const pinging = pingWhile(player, () => fuzzing);
  const report = await fuzz(server, options).finally(() => (fuzzing = false));
  const wellBehaved = await pinging;
  player.close();

  const after = {
    state: await admin.request({ type: 'state.get' }),
    rows: readStoreRows(server.dataDir),
    journal: journalLength(server.dataDir),
  };
  admin.close();
  const alive = server.child.exitCode === null && server.child.signalCode === null;
  const exit = await server.kill('SIGTERM');
  return {
    report,
    wellBehaved,
    unchanged: {
      state: JSON.stringify(after.state) === JSON.stringify(before.state),
      rows: JSON.stringify(after.rows) === JSON.stringify(before.rows),
      journal: after.journal === before.journal,
    },
    alive,
    exit,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** A player's WebSocket, logged in, from an address no fuzzing connection uses. */
async function loggedInPlayer(url: string, passphrase: string): Promise<RawWsClient> {
  const address = { 'x-forwarded-for': '192.0.2.1' };
  const guest = await RawWsClient.open(url, address);
  await guest.hello();
  guest.request('login', { type: 'auth.login', passphrase });
  const login = await guest.inbox.answer('login');
  guest.close();
  if (login.type !== 'response' || !login.ok)
    throw new Error(`the well-behaved player could not log in: ${JSON.stringify(login)}`);
  const player = await RawWsClient.open(url, address);
  await player.hello({ token: (login.result as { token: string }).token });
  return player;
}

/** Pings (no text: nothing is broadcast) one at a time while `going()`, and times each answer. */
async function pingWhile(player: RawWsClient, going: () => boolean): Promise<CampaignResult['wellBehaved']> {
  let pings = 0;
  let failed = 0;
  let maxWaitMs = 0;
  while (going()) {
    const id = `good-${pings++}`;
    const sent = performance.now();
    player.request(id, { type: 'ping' });
    const answer = await player.inbox.answer(id, 30_000).catch(() => undefined);
    maxWaitMs = Math.max(maxWaitMs, performance.now() - sent);
    if (answer?.type !== 'response' || !answer.ok) failed++;
    await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
  }
  return { pings, failed, maxWaitMs: Math.round(maxWaitMs) };
}
