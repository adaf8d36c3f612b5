import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorCodes } from '../protocol/errors.js';
import type { RuntimeLoad } from '../runtime/observer.js';
import { CLOSE_CODES } from '../transport/close-codes.js';
import type { ByteTally, ConnectionRole, TransportKind } from '../transport/observer.js';

/** Loop time buckets (seconds): a turn is budgeted 8 ms; anything past 50 ms is logged as slow. */
const TURN_BUCKETS = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1];
/** Commit buckets (seconds): from a cached fsync to a disk that stalls. */
const COMMIT_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Commands per turn: powers of two up to the largest batch (1024). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * The server's Prometheus metrics (OPS-1), one registry per server: every truinlag metric is defined
 * here, plus Node's process metrics (CPU, memory, handles, GC, event-loop delay) from prom-client's
 * defaults. Counters and histograms are updated by the server's telemetry; queue gauges are read from
 * their sources only when scraped.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Bytes waiting in every outbound queue: the queues keep it up to date, the gauge reads it. */
  readonly outbound: ByteTally = { bytes: 0 };
  readonly turnSeconds: Histogram;
  readonly commandsPerTurn: Histogram;
  readonly commitSeconds: Histogram;
  readonly durableCommands: Counter;
  readonly commitFailures: Counter;
  readonly connections: Gauge<'role' | 'transport'>;
  readonly cutOffs: Counter<'code'>;
  readonly broadcasts: Counter;
  readonly broadcastFrames: Counter;
  readonly resumes: Counter;
  readonly replayedBroadcasts: Counter;
  readonly resyncs: Counter;
  readonly refused: Counter<'code'>;
  /** Requests or connections a rate limit refused, by limit: incremented through `rateLimited`. */
  readonly rateLimitHits: Counter<'limit'>;

  /** `load` is where the queue gauges read the runtime when scraped (nothing is sampled in between). */
  constructor(load: () => RuntimeLoad) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.turnSeconds = new Histogram({
      name: 'truinlag_turn_duration_seconds',
      help: 'Loop time of one engine turn (stepping, handing the batch to the writer, releasing).',
      buckets: TURN_BUCKETS,
      registers,
    });
    this.commandsPerTurn = new Histogram({
      name: 'truinlag_commands_per_turn',
      help: 'Mailbox items one engine turn stepped.',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'truinlag_commit_duration_seconds',
      help: 'From handing a turn to the commit writer until it is durable (queueing and fsync included).',
      buckets: COMMIT_BUCKETS,
      registers,
    });
    this.durableCommands = new Counter({
      name: 'truinlag_durable_commands_total',
      help: 'Commands whose changes were committed (rate() of it: durable commands per second).',
      registers,
    });
    this.commitFailures = new Counter({
      name: 'truinlag_commit_failures_total',
      help: 'Commits that failed (their turns were rolled back and answered INTERNAL).',
      registers,
    });
    this.connections = new Gauge({
      name: 'truinlag_connections',
      help: 'Open connections by role (none: before an accepted hello) and transport.',
      labelNames: ['role', 'transport'],
      registers,
    });
    this.cutOffs = new Counter({
      name: 'truinlag_cut_offs_total',
      help: 'Connections the server closed, by close code (0: the local socket, which has none).',
      labelNames: ['code'],
      registers,
    });
    this.broadcasts = new Counter({
      name: 'truinlag_broadcasts_total',
      help: 'Broadcasts released after their commit.',
      registers,
    });
    this.broadcastFrames = new Counter({
      name: 'truinlag_broadcast_frames_total',
      help: 'Broadcast frames handed to connections (the fan-out of the released broadcasts).',
      registers,
    });
    this.resumes = new Counter({
      name: 'truinlag_resumes_total',
      help: 'Hellos that resumed broadcast streams (sent since).',
      registers,
    });
    this.replayedBroadcasts = new Counter({
      name: 'truinlag_resume_replayed_broadcasts_total',
      help: 'Missed broadcasts replayed to resuming connections.',
      registers,
    });
    this.resyncs = new Counter({
      name: 'truinlag_resyncs_total',
      help: 'Streams a resuming connection was told to resync (its missed broadcasts were gone).',
      registers,
    });
    this.refused = new Counter({
      name: 'truinlag_refused_total',
      help: 'Requests and frames answered with an error, by error code.',
      labelNames: ['code'],
      registers,
    });
    this.rateLimitHits = new Counter({
      name: 'truinlag_rate_limit_hits_total',
      help: 'Requests or connections refused by a rate limit, by limit.',
      labelNames: ['limit'],
      registers,
    });
    // Every code and close code is there from the start, so that rate() and alerts see a zero, not nothing.
    for (const code of errorCodes) this.refused.inc({ code }, 0);
    for (const code of Object.values(CLOSE_CODES)) this.cutOffs.inc({ code: String(code) }, 0);
    this.loadGauges(load);
  }

  /** A connection's role changed (`from` undefined: it opened; `to` undefined: it closed). */
  moveConnection(
    transport: TransportKind,
    from: ConnectionRole | undefined,
    to: ConnectionRole | undefined,
  ): void {
    if (from !== undefined) this.connections.dec({ role: from, transport });
    if (to !== undefined) this.connections.inc({ role: to, transport });
  }

  /** The queue gauges, read from their sources when scraped. */
  private loadGauges(load: () => RuntimeLoad): void {
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    };
    gauge('truinlag_mailbox_depth', "Items waiting in the engine's mailbox.", () => load().mailbox);
    gauge(
      'truinlag_turns_awaiting_commit',
      'Turns stepped and waiting for their commit (or an older one) before they are released.',
      () => load().awaitingCommit,
    );
    gauge('truinlag_timers_armed', 'Durable timers armed.', () => load().timers);
    gauge('truinlag_background_jobs', 'Background jobs running (pictures, backups).', () => load().jobs);
    gauge(
      'truinlag_outbound_queue_bytes',
      "Bytes waiting in connections' outbound queues (not yet handed to the socket).",
      () => this.outbound.bytes,
    );
  }
}
