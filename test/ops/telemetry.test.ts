import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogBudget } from '../../src/server/log-budget.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { Telemetry } from '../../src/server/telemetry.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import type { ConnectionInfo } from '../../src/transport/observer.js';
import { sample } from './support.js';

/** Telemetry with a real pino logger writing into memory, and a real registry. */
function telemetry(slowTurnMs = 50): {
  telemetry: Telemetry;
  lines: Record<string, unknown>[];
  metrics: () => Promise<string>;
} {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info', base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const metrics = new ServerMetrics(() => ({ mailbox: 0, awaitingCommit: 0, timers: 0, jobs: 0 }));
  return {
    telemetry: new Telemetry(metrics, logger, slowTurnMs),
    lines,
    metrics: () => metrics.registry.metrics(),
  };
}

const connection: ConnectionInfo = { id: 'c-1', transport: 'ws', remote: '192.0.2.7', role: 'player' };

describe('[OPS-2] log lines', () => {
  it('a cut-off is a warning with its close code and reason; a client closing is not', () => {
    const { telemetry: t, lines } = telemetry();
    t.opened({ ...connection, role: 'none' });
    t.closed(connection, {
      by: 'server',
      code: CLOSE_CODES.SLOW_CONSUMER,
      reason: 'outbound queue overflow',
    });
    t.closed(connection, { by: 'server', code: CLOSE_CODES.DEAD, reason: 'no pong' });
    t.closed(connection, { by: 'client', code: 1000, reason: '' });
    t.closed(connection, { by: 'server', code: CLOSE_CODES.SHUTDOWN, reason: 'server shutting down' });
    expect(lines.map((l) => [l.msg, l.level, l.code, l.by])).toEqual([
      ['connection opened', 30, undefined, undefined],
      ['connection closed', 40, 4008, 'server'],
      ['connection closed', 40, 4010, 'server'],
      ['connection closed', 30, 1000, 'client'],
      ['connection closed', 30, 1001, 'server'],
    ]);
    expect(lines[1]).toMatchObject({ conn: 'c-1', transport: 'ws', remote: '192.0.2.7', role: 'player' });
  });

  it('slow turns over the threshold, failed logins, refused tokens, rate limits and failed commits', () => {
    const { telemetry: t, lines } = telemetry(30);
    t.turned(29, 4);
    t.turned(31.4, 900);
    t.refused('NOT_FOUND', 'auth.login', 'c-2');
    t.refused('NOT_FOUND', 'player.get', 'c-2');
    t.frameRefused(connection, { code: 'UNAUTHORISED', message: 'The token is not valid.' });
    t.frameRefused(connection, { code: 'MALFORMED', message: 'bad' });
    t.rateLimited(connection, 'login-per-address');
    t.commitFailed(new Error('disk I/O error'), 3);
    expect(lines.map((l) => l.msg)).toEqual([
      'slow engine turn',
      'login failed',
      'hello refused: the token is not valid',
      'rate limited',
      'commit failed; turns rolled back',
    ]);
    expect(lines[0]).toMatchObject({ ms: 31, commands: 900 });
    expect(lines[1]).toMatchObject({ conn: 'c-2', code: 'NOT_FOUND' });
    expect(lines[3]).toMatchObject({ limit: 'login-per-address', remote: '192.0.2.7' });
    expect(lines[4]).toMatchObject({ turns: 3, err: { message: 'disk I/O error' } });
  });

  it('what an attacker can cause at will is logged at most 20 times a second, and always counted', async () => {
    const { telemetry: t, lines, metrics } = telemetry();
    for (let n = 0; n < 500; n++) {
      t.refused('NOT_FOUND', 'auth.login', `c-${n}`);
      t.rateLimited(connection, 'requests-per-connection');
    }
    expect(lines.filter((l) => l.msg === 'login failed')).toHaveLength(20);
    expect(lines.filter((l) => l.msg === 'rate limited')).toHaveLength(20);
    const text = await metrics();
    expect(sample(text, 'truinlag_refused_total', { code: 'NOT_FOUND' })).toBe(500);
    expect(sample(text, 'truinlag_rate_limit_hits_total', { limit: 'requests-per-connection' })).toBe(500);
  });
});

describe('LogBudget', () => {
  it('drops lines past the budget and says how many on the next line it lets through', () => {
    let now = 0;
    const budget = new LogBudget(2, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([
      0,
      0,
      undefined,
      undefined,
    ]);
    now = 999;
    expect(budget.take()).toBeUndefined();
    now = 1000;
    expect([budget.take(), budget.take(), budget.take()]).toEqual([3, 0, undefined]);
  });
});
