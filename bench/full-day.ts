/**
 * (f) A compressed full game day: 30 players in 6 teams, a location from every player every few game
 * seconds, completions and catches, about 200,000 commands through the real runtime and its SQLite store
 * (commit thread included) on a fake clock. Prints what a location update costs in the first and the last
 * tenth of the day (the cost of a command must not grow with the game) and what the day leaves on disk.
 * It runs in the bench process (the runtime on a fake clock, no sockets) and takes minutes
 * (`tsx bench/only.ts h`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { Actor } from '../src/engine/handler.js';
import { seededRng, type Rng } from '../src/engine/rng.js';
import type { Command } from '../src/protocol/commands/index.js';
import { locationInputSchema } from '../src/protocol/game.js';
import { FakeClock } from '../src/runtime/clock.js';
import type { FrameKind, Peer } from '../src/runtime/peer.js';
import { Runtime } from '../src/runtime/runtime.js';
import { DATABASE_FILE, SqliteStore } from '../src/store/sqlite-store.js';
import { toStateDocument } from '../src/store/state-json.js';
import { demoCatalogueState } from '../test/game/support/setup.js';
import { sealed } from '../test/game/support/world.js';
import { percentile, round, tempDir } from './harness.js';

const TEAMS = 6;
const PER_TEAM = 5;
/** Game time between two location rounds (every player reports once per round). */
const ROUND_MS = 6_000;
/** 07:00–18:00 Zürich (UTC+2 in June), 11 hours: 6,600 rounds of 30 locations. */
const DAY_START = Date.UTC(2026, 5, 16, 5, 0);
const ROUNDS = (11 * 3_600_000) / ROUND_MS;
/** Per round and runner team: the chance it completes a challenge (about one every 20 minutes). */
const COMPLETE_CHANCE = ROUND_MS / (20 * 60_000);
/** Per round: the chance some catcher team catches some runner (about one every 40 minutes). */
const CATCH_CHANCE = ROUND_MS / (40 * 60_000);
const HB = { lat: 47.3779, lon: 8.5403 };

/** Location-update cost over a stretch of the day. */
export interface StretchCost {
  readonly locations: number;
  readonly perSecond: number;
  /** CPU of the whole process (loop and commit thread) per command, µs. */
  readonly cpuUsPerOp: number;
  /** Bytes the process wrote (`wchar`: WAL, checkpoints) per command. */
  readonly bytesPerOp: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface FullDay {
  readonly commands: number;
  readonly first: StretchCost;
  readonly last: StretchCost;
  /** last ÷ first: throughput (≥ 0.9 wanted), CPU, bytes and p99 (≤ 1.1 wanted). */
  readonly ratio: { perSecond: number; cpu: number; bytes: number; p99: number };
  readonly dataDirBytes: number;
  /** Bytes per table (SQLite's dbstat), largest first. */
  readonly tables: Record<string, number>;
}

/** A connection in memory that only matches answers to requests; it parses nothing else. */
class BenchPeer implements Peer {
  private readonly waiting = new Map<string, (frame: string) => void>();
  private next = 1;

  constructor(
    private readonly runtime: Runtime,
    readonly id: string,
    readonly actor: Actor,
    readonly session: number | null,
  ) {
    runtime.attach(this);
  }

  send(frame: string, kind: FrameKind): void {
    if (kind !== 'response') return;
    const id = /"id":"([^"]+)"/.exec(frame)?.[1];
    const resolve = id === undefined ? undefined : this.waiting.get(id);
    if (id === undefined || resolve === undefined) return;
    this.waiting.delete(id);
    resolve(frame);
  }

  close(): void {
    this.runtime.detach(this);
  }

  /** Sends a command; resolves with its result (rejects when it was refused). */
  call<T>(command: Command, session?: number): Promise<T> {
    const requestId = `${this.id}-${this.next++}`;
    const answer = new Promise<string>((resolve) => this.waiting.set(requestId, resolve));
    this.runtime.submit({
      source: 'client',
      peer: this,
      reply: { clientKey: `${this.actor.kind}/${this.id}`, requestId },
      command,
      session,
    });
    return answer.then((frame) => {
      const message = JSON.parse(frame) as { ok: boolean; result?: T; error?: unknown };
      if (!message.ok) throw new Error(`${command.type} refused: ${JSON.stringify(message.error)}`);
      return message.result as T;
    });
  }
}

/** Bytes this process has written through system calls so far (Linux `/proc/self/io`). */
function writtenBytes(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('wchar:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

interface Day {
  readonly runtime: Runtime;
  readonly clock: FakeClock;
  readonly admin: BenchPeer;
  readonly session: number;
  readonly teams: readonly number[];
  readonly players: readonly BenchPeer[][];
}

/** The demo catalogue, a session of 6 teams of 5 connected players, and a started game. */
async function setUp(dataDir: string): Promise<Day & { store: SqliteStore }> {
  const initial = await demoCatalogueState();
  const store = SqliteStore.open(dataDir);
  store.replaceState(initial, JSON.stringify(toStateDocument(initial)));
  const clock = new FakeClock(DAY_START);
  const runtime = new Runtime({ store, clock, logger: pino({ level: 'silent' }) });
  const admin = new BenchPeer(runtime, 'admin', { kind: 'admin' }, null);
  const session = (
    await admin.call<{ id: number }>({ type: 'session.add', name: 'Züri', timeZone: 'Europe/Zurich' })
  ).id;
  const config = { startTime: '07:00', endTime: '18:00', numCatchers: 2 };
  await admin.call({ type: 'config.set', changes: config }, session);
  const teams: number[] = [];
  const players: BenchPeer[][] = [];
  for (let t = 0; t < TEAMS; t++) {
    const team = (await admin.call<{ id: number }>({ type: 'team.add', name: `Team ${t}` }, session)).id;
    teams.push(team);
    const members: BenchPeer[] = [];
    for (let p = 0; p < PER_TEAM; p++) {
      const passphrase = sealed(`bench ${t} ${p} passphrase`);
      const player = (
        await admin.call<{ id: number }>({ type: 'player.add', name: `P${t}.${p}`, passphrase, session })
      ).id;
      await admin.call({ type: 'team.assign', player, team }, session);
      members.push(new BenchPeer(runtime, `p${player}`, { kind: 'player', player }, session));
    }
    players.push(members);
  }
  await admin.call({ type: 'game.start' }, session);
  return { store, runtime, clock, admin, session, teams, players };
}

interface Meter {
  readonly started: number;
  readonly cpu: NodeJS.CpuUsage;
  readonly bytes: number;
  readonly commands: number;
  readonly latencies: number[];
}

const startMeter = (commands: number): Meter => ({
  started: performance.now(),
  cpu: process.cpuUsage(),
  bytes: writtenBytes(),
  commands,
  latencies: [],
});

function stop(meter: Meter, commands: number): StretchCost {
  const ops = commands - meter.commands;
  const cpu = process.cpuUsage(meter.cpu);
  const sorted = [...meter.latencies].sort((a, b) => a - b);
  return {
    locations: meter.latencies.length,
    perSecond: round(ops / ((performance.now() - meter.started) / 1000), 0),
    cpuUsPerOp: round((cpu.user + cpu.system) / ops, 1),
    bytesPerOp: round((writtenBytes() - meter.bytes) / ops, 0),
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
  };
}

const chance = (rng: Rng, p: number): boolean => rng.int(0, 999_999) < p * 1_000_000;

/** One round: every player reports a position; some runners complete, sometimes a catch. */
async function playRound(day: Day, index: number, rng: Rng, meter?: Meter) {
  const now = day.clock.now();
  let commands = 0;
  const state = day.runtime.current;
  const sends = day.players.flat().map(async (peer, i) => {
    const angle = (index / 50 + i) % (2 * Math.PI);
    // Validated as the transport validates what a phone sends (LOCATION-7 rounds it): the runtime here is
    // fed without a transport.
    const location = locationInputSchema.parse({
      lat: HB.lat + 0.02 * Math.sin(angle) + i * 1e-4,
      lon: HB.lon + 0.03 * Math.cos(angle),
      accuracy: 10,
      heading: null,
      speed: null,
      timestamp: now,
    });
    const sent = performance.now();
    await peer.call({ type: 'location.send', location }, day.session);
    meter?.latencies.push(performance.now() - sent);
  });
  commands += sends.length;
  const extra: Promise<unknown>[] = [];
  const teams = day.teams.map((id) => ({ id, record: state.tables.team.get(id) }));
  const completing = new Set<number>();
  for (const [t, team] of teams.entries()) {
    const record = team.record;
    const peer = day.players[t]?.[0];
    if (record?.role !== 'Runner' || peer === undefined || !chance(rng, COMPLETE_CHANCE)) continue;
    const offer = record.offers[0];
    const lastCompleted = record.periods.findLast((p) => p.context.type === 'completed')?.endedAt ?? 0;
    // A completion within 30 s of the team's previous one is refused (COMPLETE-3).
    if (offer === undefined || now - lastCompleted < 60_000) continue;
    completing.add(team.id);
    const periodId = record.periods.length;
    extra.push(
      peer.call({ type: 'complete', team: team.id, challenge: offer.challengeId, periodId }, day.session),
    );
  }
  const catcher = teams.find((t) => t.record?.role === 'Catcher');
  const runners = teams.filter(
    (t) => t.record?.role === 'Runner' && t.record.grace === null && !completing.has(t.id),
  );
  const caught = runners[rng.int(0, runners.length - 1)];
  if (catcher?.record !== undefined && caught !== undefined && chance(rng, CATCH_CHANCE)) {
    const periodId = catcher.record.periods.length;
    const command: Command = {
      type: 'catch',
      catcher: catcher.id,
      caught: caught.id,
      periodId,
      override: true,
    };
    extra.push(day.admin.call(command, day.session));
  }
  await Promise.all([...sends, ...extra]);
  day.clock.advance(ROUND_MS);
  return commands + extra.length;
}

/** The data directory's files, summed. */
function dirBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function tableBytes(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
      .all() as { name: string; bytes: number }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } finally {
    db.close();
  }
}

/** Plays the day; `rounds` shortens it (for a quick look), the stretches are its first and last tenth. */
export async function fullDay(rounds = ROUNDS): Promise<FullDay> {
  const dataDir = tempDir();
  const day = await setUp(dataDir);
  const rng = seededRng(14);
  const tenth = Math.max(1, Math.floor(rounds / 10));
  let commands = 0;
  let meter: Meter | undefined;
  let first: StretchCost | undefined;
  let last: StretchCost | undefined;
  for (let index = 0; index < rounds; index++) {
    if (index === 0 || index === rounds - tenth) meter = startMeter(commands);
    commands += await playRound(day, index, rng, meter);
    if (meter !== undefined && index === tenth - 1) {
      first = stop(meter, commands);
      meter = undefined;
    }
  }
  if (meter !== undefined) last = stop(meter, commands);
  // Shutdown folds the WAL into the database file and closes the store.
  await day.runtime.shutdown(1_000);
  if (first === undefined || last === undefined) throw new Error('the day was too short to measure');
  return {
    commands,
    first,
    last,
    ratio: {
      perSecond: round(last.perSecond / first.perSecond),
      cpu: round(last.cpuUsPerOp / first.cpuUsPerOp),
      bytes: round(last.bytesPerOp / first.bytesPerOp),
      p99: round(last.p99Ms / first.p99Ms),
    },
    dataDirBytes: dirBytes(dataDir),
    tables: tableBytes(dataDir),
  };
}
