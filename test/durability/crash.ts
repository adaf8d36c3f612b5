import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRng, type Rng } from '../../src/engine/rng.js';
import type { StepInput } from '../../src/engine/step.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { runCli } from '../helpers/cli.js';
import { spawnServer, type SpawnedServer } from '../helpers/server.js';
import { withTimeout } from '../helpers/wait.js';
import { runLoad, type Tracked } from './load.js';
import { allOrNothing, answered, exactlyOnce } from './checks.js';
import { broadcastLogProblems, loggedFrame, readStore, WireClient, type StoreSnapshot } from './support.js';

/**
 * The crash test (issue 3, "nothing lost, nothing doubled"). Each cycle runs the real server as a child
 * process on one persistent data directory, lets 3–5 clients send mutating requests concurrently, and
 * SIGKILLs the server at a seeded random moment. After each restart it checks, against the store and
 * against what the clients were told:
 *
 * - every acknowledged request's effect is there exactly once, with the answer the client got;
 * - no unacknowledged request is half-applied: its answer record, its entity, its broadcast and its
 *   journal entry are all there or all missing;
 * - every broadcast stream is numbered 1, 2, 3, … without a gap, and a client resuming across the
 *   restart gets exactly the logged broadcasts after its position, in order;
 * - timers are re-armed: the ones that fell due while the server was down fire first, in due order; an
 *   uncancelled announcement is delivered exactly once, a cancelled one never;
 * - `truinlag replay` rebuilds the live state from the journal (equal hashes);
 * - re-sending requests with their original ids (same client identity) returns the original answers
 *   and applies the unacknowledged ones once.
 *
 * Everything random comes from `seed`, so a failing run can be repeated with the printed seed (timing
 * still varies from run to run).
 */

export interface CrashOptions {
  readonly cycles: number;
  readonly seed: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Keep the data directory after a failure, for a look at the store (default: removed). */
  readonly keepDataOnFailure?: boolean;
}

export interface CrashReport {
  readonly seed: number;
  readonly cycles: number;
  /** Requests sent, and how many of them were acknowledged before the crash that followed them. */
  readonly sent: number;
  readonly acknowledgedBeforeCrash: number;
  /** Unacknowledged requests that turned out to have been committed (their answer was lost). */
  readonly committedButUnacknowledged: number;
  /** Timers that fell due while the server was down and fired after the restart. */
  readonly overdueFired: number;
  /** Announcements cancelled (and so never delivered). */
  readonly cancelled: number;
}

export class CrashTestFailure extends Error {
  override readonly name = 'CrashTestFailure';
}

const CLIENT_PREFIX = 'crash-worker-';

export async function runCrashCycles(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => undefined);
  const rng = seededRng(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'tl-crash-'));
  const run = new CrashRun(dataDir, rng, log);
  try {
    for (let cycle = 0; cycle < options.cycles; cycle++) await run.cycle(cycle);
    await run.finish();
  } catch (error) {
    await run.abort();
    const message = error instanceof Error ? error.message : String(error);
    const kept = options.keepDataOnFailure === true;
    if (!kept) rmSync(dataDir, { recursive: true, force: true });
    throw new CrashTestFailure(
      `crash test failed (seed ${options.seed}; repeat with this seed${kept ? `; data kept in ${dataDir}` : ''}):\n${message}`,
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
  return { seed: options.seed, cycles: options.cycles, ...run.stats };
}

class CrashRun {
  readonly ledger: Tracked[] = [];
  readonly stats = {
    sent: 0,
    acknowledgedBeforeCrash: 0,
    committedButUnacknowledged: 0,
    overdueFired: 0,
    cancelled: 0,
  };
  private server: SpawnedServer | undefined;
  private readonly open = new Set<WireClient>();
  /** Where the previous cycle's watching client stood on each stream when the server died. */
  private resumeFrom: Record<string, number> | undefined;
  /** Timers armed when the server died, and the journal length then. */
  private armedAtCrash: { id: number; dueAt: number }[] = [];
  private journalAtCrash = 0;
  /** The replay check of the last crash, running beside the restart. */
  private replaying: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly rng: Rng,
    private readonly log: (line: string) => void,
  ) {}

  async cycle(cycle: number): Promise<void> {
    const { server, watcher } = await this.restartAndVerify(cycle);

    // Load: 3–5 clients, each with a few requests in flight; a session of its own for the timers.
    const setup = await this.connect(server, 'crash-setup');
    const timerSession = await setup.answer(`setup-${cycle}`, {
      type: 'session.add',
      name: `timers-${cycle}`,
    });
    if (!timerSession.message.ok) throw new Error(`setup refused: ${timerSession.text}`);
    const sessionId = (timerSession.message.result as { id: number }).id;
    const workers = this.rng.int(3, 5);
    const killAfterMs = this.rng.int(150, 900);
    const before = this.ledger.length;
    const loads: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) {
      const clientId = `${CLIENT_PREFIX}${w}`;
      const connection = await this.connect(server, clientId);
      const options = {
        rng: seededRng(this.rng.int(0, 2 ** 31)),
        prefix: `c${cycle}w${w}`,
        timerSession: sessionId,
        depth: this.rng.int(2, 4),
        dueMs: [100, 1_200] as const,
        ledger: this.ledger,
      };
      loads.push(runLoad(connection, clientId, options, () => false));
    }
    this.log(`cycle ${cycle}: ${workers} clients, kill after ${killAfterMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    await server.kill('SIGKILL');
    this.server = undefined;
    await withTimeout(Promise.all(loads), 10_000, 'clients noticing the crash');
    this.resumeFrom = watcher.position();
    this.closeAll();

    const sent = this.ledger.slice(before);
    this.stats.sent += sent.length;
    this.stats.acknowledgedBeforeCrash += sent.filter((t) => t.answer !== undefined).length;
    this.log(
      `cycle ${cycle}: ${sent.length} requests, ${sent.filter((t) => t.answer !== undefined).length} acknowledged`,
    );

    // While the server is down: what is armed is noted, and `truinlag replay` checks that the journal
    // rebuilds the live state. It runs on a copy of the crashed store, beside the restart.
    const down = readStore(this.dataDir);
    this.replaying = this.checkReplayOfCopy(`cycle ${cycle}`);
    this.armedAtCrash = down.entities
      .filter((e) => e.kind === 'timer')
      .map((e) => ({ id: e.id, dueAt: e.doc.dueAt as number }));
    this.journalAtCrash = down.journal.at(-1)?.seq ?? 0;
    this.log(`cycle ${cycle}: ${this.armedAtCrash.length} timers armed at the crash`);
  }

  /** The last restart: verify, stop cleanly, replay once more. */
  async finish(): Promise<void> {
    const { server } = await this.restartAndVerify(-1);
    this.closeAll();
    const status = await server.kill('SIGTERM');
    this.server = undefined;
    if (status.code !== 0) throw new Error(`clean shutdown exited with ${JSON.stringify(status)}`);
    await this.checkReplay('after the clean shutdown');
  }

  async abort(): Promise<void> {
    await this.replaying.catch(() => undefined);
    this.closeAll();
    await this.server?.kill('SIGKILL');
    this.server = undefined;
  }

  /**
   * Starts the server and, after a crash, checks the recovered store, re-sends what was not
   * acknowledged, waits for the timers, and checks exactly-once for everything sent so far.
   */
  private async restartAndVerify(cycle: number): Promise<{ server: SpawnedServer; watcher: Watcher }> {
    const startedAt = Date.now();
    const server = await spawnServer(this.dataDir);
    this.server = server;
    const label = cycle < 0 ? 'final restart' : `cycle ${cycle} restart`;
    const problems: string[] = [];

    // 1. The store as recovered, before anyone touched it (timers may already have fired).
    const recovered = readStore(this.dataDir);
    problems.push(...broadcastLogProblems(recovered));
    for (const t of this.ledger) problems.push(...allOrNothing(t, recovered));
    this.stats.committedButUnacknowledged += this.ledger.filter(
      (t) => t.answer === undefined && answered(recovered, t) !== undefined,
    ).length;

    // 2. A client resuming across the restart from where it stood when the server died.
    const watcher = new Watcher(
      await this.connect(server, 'crash-watcher', this.resumeFrom),
      this.resumeFrom,
    );
    // Announcements in the log at or before its position were delivered before it connected.
    for (const row of recovered.broadcasts) {
      const event = JSON.parse(row.event) as BroadcastMessage['event'];
      if (event.type === 'announcement') watcher.deliveredBefore.add(event.text);
    }

    // 3. Re-send: one random acknowledged request, and every unacknowledged one, with their original ids.
    const acknowledged = this.ledger.filter((t) => t.answer !== undefined);
    const unacknowledged = this.ledger.filter((t) => t.answer === undefined);
    const sample =
      acknowledged.length === 0 ? undefined : acknowledged[this.rng.int(0, acknowledged.length - 1)];
    const byClient = new Map<string, WireClient>();
    const connectionFor = async (client: string): Promise<WireClient> => {
      let connection = byClient.get(client);
      if (connection === undefined) {
        connection = await this.connect(server, client);
        byClient.set(client, connection);
      }
      return connection;
    };
    if (sample !== undefined) {
      const again = await (
        await connectionFor(sample.client)
      ).answer(sample.id, sample.command, sample.session);
      if (again.text !== sample.answer?.text)
        problems.push(
          `re-sent acknowledged ${sample.id}: got ${again.text}, first answer was ${sample.answer?.text}`,
        );
    }
    await Promise.all(
      unacknowledged.map(async (t) => {
        const stored = answered(recovered, t);
        const answer = await (await connectionFor(t.client)).answer(t.id, t.command, t.session);
        if (stored !== undefined && answer.text !== stored)
          problems.push(`re-sent ${t.id}: got ${answer.text}, but the stored answer is ${stored}`);
        t.answer = answer;
      }),
    );
    for (const t of this.ledger) {
      if (t.answer?.message.ok === false && t.kind !== 'announcement.cancel')
        problems.push(`${t.id} (${t.kind}) was refused: ${t.answer.text}`);
    }

    // 4. Every announcement that was not cancelled gets delivered (the watcher sees it); then a barrier.
    const cancelledKeys = new Set(
      this.ledger
        .filter((t) => t.kind === 'announcement.cancel' && t.answer?.message.ok === true)
        .map((t) => t.key),
    );
    const expected = this.ledger.filter(
      (t) => t.kind === 'announcement.schedule' && !cancelledKeys.has(t.key),
    );
    const missing = (): string[] => {
      const delivered = new Set(
        watcher.connection.broadcasts.flatMap((b) => (b.event.type === 'announcement' ? [b.event.text] : [])),
      );
      return expected
        .filter((t) => !delivered.has(t.key) && !watcher.deliveredBefore.has(t.key))
        .map((t) => t.key);
    };
    await watcher.connection
      .until(() => missing().length === 0, 20_000, 'announcements')
      .catch(() => {
        problems.push(
          `${label}: announcements never delivered to the resumed client: ${missing().join(', ')}`,
        );
      });
    const barrier = `barrier-${label}`;
    await watcher.connection.answer(`barrier-${startedAt}`, { type: 'ping', text: barrier });
    await watcher.connection.until(
      (all) => all.some((b) => b.event.type === 'pinged' && b.event.text === barrier),
      10_000,
      'barrier',
    );

    // 5. Exactly once, for everything sent so far; and the resumed watcher saw exactly the log.
    const settled = readStore(this.dataDir);
    problems.push(...broadcastLogProblems(settled));
    problems.push(...this.checkTimerOrder(settled, startedAt));
    for (const t of this.ledger) problems.push(...exactlyOnce(t, settled, cancelledKeys));
    problems.push(...watcher.problems(settled));
    this.stats.cancelled = cancelledKeys.size;
    for (const connection of byClient.values()) {
      connection.close();
      this.open.delete(connection);
    }

    if (problems.length > 0) {
      throw new Error(`${label}: ${problems.length} problem(s):\n  ${problems.slice(0, 25).join('\n  ')}`);
    }
    await this.replaying;
    this.log(`${label}: verified ${this.ledger.length} requests`);
    return { server, watcher };
  }

  /**
   * The timers armed at the crash fire after the restart in due order; those that fell due while the
   * server was down fire first, before anything else is done.
   */
  private checkTimerOrder(settled: StoreSnapshot, startedAt: number): string[] {
    const due = new Map(this.armedAtCrash.map((t) => [t.id, t.dueAt]));
    const after = settled.journal
      .filter((row) => row.seq > this.journalAtCrash)
      .map((row) => (JSON.parse(row.input) as StepInput).command);
    const fires = after.flatMap((c) => (c.type === 'timer.fire' && due.has(c.timer) ? [c.timer] : []));
    const inDueOrder = [...fires].sort((a, b) => (due.get(a) ?? 0) - (due.get(b) ?? 0) || a - b);
    const problems: string[] = [];
    if (JSON.stringify(fires) !== JSON.stringify(inDueOrder))
      problems.push(
        `timers fired after the restart as ${JSON.stringify(fires)}, due order is ${JSON.stringify(inDueOrder)}`,
      );
    // The ones that fired at start: everything before the first entry that is not one of these fires.
    const firstOther = after.findIndex((c) => c.type !== 'timer.fire' || !due.has(c.timer));
    const atStart = new Set(firstOther < 0 ? fires : fires.slice(0, firstOther));
    const overdue = this.armedAtCrash.filter((t) => t.dueAt < startedAt).map((t) => t.id);
    const late = overdue.filter((id) => !atStart.has(id));
    if (late.length > 0)
      problems.push(`timers ${JSON.stringify(late)} were overdue at the restart but did not fire first`);
    this.stats.overdueFired += atStart.size;
    return problems;
  }

  /** Copies the store files as the crash left them (no checkpoint, WAL included) and replays the copy. */
  private async checkReplayOfCopy(label: string): Promise<void> {
    const copy = mkdtempSync(join(tmpdir(), 'tl-replay-'));
    try {
      for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
        if (existsSync(join(this.dataDir, file))) copyFileSync(join(this.dataDir, file), join(copy, file));
      }
      await this.checkReplay(label, copy);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }

  private async checkReplay(label: string, dataDir = this.dataDir): Promise<void> {
    const result = await runCli(['replay', '--data', dataDir, '--json'], { timeoutMs: 60_000 });
    const report = JSON.parse(result.stdout || '{}') as {
      equal?: boolean;
      refused?: unknown[];
      replayHash?: string;
      liveHash?: string;
    };
    if (result.code !== 0 || report.equal !== true || (report.refused?.length ?? 1) !== 0) {
      throw new Error(`${label}: replay does not give the live state: ${result.stdout}${result.stderr}`);
    }
  }

  private async connect(
    server: SpawnedServer,
    client: string,
    since?: Record<string, number>,
  ): Promise<WireClient> {
    const connection = await WireClient.open(server.url, {
      client,
      token: server.adminToken,
      ...(since === undefined ? {} : { since }),
    });
    this.open.add(connection);
    return connection;
  }

  private closeAll(): void {
    for (const connection of this.open) connection.close();
    this.open.clear();
  }
}

/**
 * A client that stays connected through a cycle and resumes after the restart from where it stood:
 * what it receives must be exactly the logged broadcasts after its position, per stream, in order.
 */
class Watcher {
  /** Announcements delivered before this connection (seen by an earlier watcher or before its position). */
  readonly deliveredBefore = new Set<string>();
  private readonly start: Record<string, number>;

  constructor(
    readonly connection: WireClient,
    since: Record<string, number> | undefined,
  ) {
    this.start = since ?? { ...(connection.welcome?.seq ?? {}) };
  }

  /** The last sequence number per stream this watcher has. */
  position(): Record<string, number> {
    const position = { ...this.start };
    for (const b of this.connection.broadcasts) position[String(b.session ?? 'global')] = b.seq;
    return position;
  }

  problems(store: StoreSnapshot): string[] {
    const problems: string[] = [];
    const received = new Map<string, BroadcastMessage[]>();
    for (const b of this.connection.broadcasts) {
      const stream = String(b.session ?? 'global');
      received.set(stream, [...(received.get(stream) ?? []), b]);
    }
    const streams = new Set([...store.broadcasts.map((b) => b.stream), ...received.keys()]);
    for (const stream of streams) {
      const from = this.start[stream] ?? 0;
      const logged = store.broadcasts.filter((b) => b.stream === stream && b.seq > from).map(loggedFrame);
      const got = (received.get(stream) ?? []).map((b) => JSON.stringify(b));
      if (JSON.stringify(got) !== JSON.stringify(logged)) {
        problems.push(
          `resumed client on stream ${stream} from ${from}: got seq ${JSON.stringify((received.get(stream) ?? []).map((b) => b.seq))}, ` +
            `the log has ${JSON.stringify(store.broadcasts.filter((b) => b.stream === stream && b.seq > from).map((b) => b.seq))}`,
        );
      }
    }
    return problems;
  }
}
