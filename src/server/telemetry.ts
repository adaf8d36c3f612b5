import type { Logger } from 'pino';
import type { ErrorCode, ProtocolError } from '../protocol/errors.js';
import type { RuntimeObserver } from '../runtime/observer.js';
import { CLOSE_CODES } from '../transport/close-codes.js';
import type {
  ByteTally,
  ConnectionEnd,
  ConnectionInfo,
  ConnectionObserver,
  ConnectionRole,
} from '../transport/observer.js';
import { LogBudget } from './log-budget.js';
import type { ServerMetrics } from './metrics.js';

/** Log lines per second for each kind of line an attacker can cause at will. */
const LINES_PER_SECOND = 20;

type BudgetedLine = 'connection' | 'auth' | 'rateLimit';

/**
 * The server's telemetry: what the runtime and the connections report becomes metrics (OPS-1) and log
 * lines (OPS-2). Log lines name connections by id, address, role and codes, never what a client sent:
 * no passphrase, token or command body reaches a log. Lines an attacker can cause (connections, failed
 * logins and hellos, rate limits) are budgeted per kind.
 */
export class Telemetry implements RuntimeObserver, ConnectionObserver {
  private readonly budgets: Record<BudgetedLine, LogBudget> = {
    connection: new LogBudget(LINES_PER_SECOND),
    auth: new LogBudget(LINES_PER_SECOND),
    rateLimit: new LogBudget(LINES_PER_SECOND),
  };

  constructor(
    private readonly metrics: ServerMetrics,
    private readonly logger: Logger,
    /** Turns taking longer than this much loop time are logged (ms). */
    private readonly slowTurnMs: number,
  ) {}

  get outbound(): ByteTally {
    return this.metrics.outbound;
  }

  turned(ms: number, commands: number): void {
    this.metrics.turnSeconds.observe(ms / 1000);
    this.metrics.commandsPerTurn.observe(commands);
    if (ms > this.slowTurnMs) this.logger.warn({ ms: Math.round(ms), commands }, 'slow engine turn');
  }

  committed(ms: number, commands: number): void {
    this.metrics.commitSeconds.observe(ms / 1000);
    if (commands > 0) this.metrics.durableCommands.inc(commands);
  }

  commitFailed(error: unknown, turns: number): void {
    this.metrics.commitFailures.inc();
    this.logger.error({ err: error, turns }, 'commit failed; turns rolled back');
  }

  refused(code: ErrorCode, command: string, peer: string | undefined): void {
    this.metrics.refused.inc({ code });
    if (command === 'auth.login') this.budgeted('auth', 'warn', { conn: peer, code }, 'login failed');
  }

  published(broadcasts: number, frames: number): void {
    this.metrics.broadcasts.inc(broadcasts);
    this.metrics.broadcastFrames.inc(frames);
  }

  resumed(replayed: number, resyncs: number): void {
    this.metrics.resumes.inc();
    this.metrics.replayedBroadcasts.inc(replayed);
    this.metrics.resyncs.inc(resyncs);
  }

  opened(connection: ConnectionInfo): void {
    this.metrics.moveConnection(connection.transport, undefined, connection.role);
    this.budgeted('connection', 'info', describe(connection), 'connection opened');
  }

  identified(connection: ConnectionInfo, previous: ConnectionRole): void {
    this.metrics.moveConnection(connection.transport, previous, connection.role);
  }

  closed(connection: ConnectionInfo, end: ConnectionEnd): void {
    this.metrics.moveConnection(connection.transport, connection.role, undefined);
    if (end.by === 'server') this.metrics.cutOffs.inc({ code: String(end.code) });
    // A cut-off other than the shutdown's is worth a look: a slow or dead client, a refused hello.
    const cutOff = end.by === 'server' && end.code !== CLOSE_CODES.SHUTDOWN;
    const fields = { ...describe(connection), by: end.by, code: end.code, reason: end.reason };
    this.budgeted('connection', cutOff ? 'warn' : 'info', fields, 'connection closed');
  }

  frameRefused(connection: ConnectionInfo, error: ProtocolError): void {
    this.metrics.refused.inc({ code: error.code });
    if (error.code === 'UNAUTHORISED')
      this.budgeted('auth', 'warn', describe(connection), 'hello refused: the token is not valid');
  }

  rateLimited(connection: ConnectionInfo, limit: string): void {
    this.metrics.rateLimitHits.inc({ limit });
    this.budgeted('rateLimit', 'warn', { ...describe(connection), limit }, 'rate limited');
  }

  private budgeted(
    kind: BudgetedLine,
    level: 'info' | 'warn',
    fields: Record<string, unknown>,
    message: string,
  ): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const suppressed = this.budgets[kind].take();
    if (suppressed === undefined) return;
    this.logger[level](suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}

function describe(connection: ConnectionInfo): Record<string, unknown> {
  const { id, transport, remote, role } = connection;
  return { conn: id, transport, remote, role };
}
