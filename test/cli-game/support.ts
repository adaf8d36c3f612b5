import { CHALLENGE_DEFAULTS } from '../../src/engine/catalogue/defaults.js';
import { expect } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { runCli, type CliRun } from '../helpers/index.js';

/** Runs the CLI (a child process) against a server's local socket. The machine may be busy: be patient. */
export function cli(socket: string, args: readonly string[]): Promise<CliRun> {
  return runCli(['--socket', socket, ...args], { timeoutMs: 90_000 });
}

/** Runs the CLI with --json, expects exit status 0 and parses the one JSON document it printed. */
export async function cliJson<T = unknown>(socket: string, args: readonly string[]): Promise<T> {
  const run = await cli(socket, ['--json', ...args]);
  if (run.code !== 0)
    throw new Error(`truinlag ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(run.stdout) as T;
}

/**
 * A small playable catalogue over the client library: one set "Normal", zones 110/120/121 with travel
 * minutes, sector W, and ten Unspezifisch challenges of which the first three are Rejected — so every
 * challenge that can be dealt has an id above 3 and a hand position (1–3) never equals a dealt id.
 */
export async function seedCatalogue(client: TruinlagClient): Promise<void> {
  const set = await client.request({ type: 'set.add', name: 'Normal' });
  for (const number of [110, 120, 121]) {
    await client.request({
      type: 'zone.add',
      zone: {
        number,
        numConnZones: 5,
        numConnections: 3,
        trainThrough: true,
        mongus: false,
        sBahnZone: true,
        minutesTo: {},
        closeSectors: [],
      },
    });
  }
  await client.request({ type: 'sector.add', name: 'W' });
  const zones = await client.request({ type: 'zone.list' });
  for (const a of zones)
    for (const b of zones)
      if (a.id !== b.id) await client.request({ type: 'zone.setMinutes', from: a.id, to: b.id, minutes: 20 });
  for (let i = 1; i <= 10; i++) {
    await client.request({
      type: 'challenge.add',
      challenge: {
        ...CHALLENGE_DEFAULTS,
        kind: 'Unspezifisch',
        sets: [set.id],
        status: i <= 3 ? 'Rejected' : 'Approved',
        title: `Challenge ${i}`,
        description: `Do thing ${i}`,
        additionalPoints: 100 * i,
      },
    });
  }
}

/** Config times (UTC, "HH:MM") for a game that started a minute ago and ends in three hours. */
export function gameWindow(now = Date.now()): { startTime: string; endTime: string } {
  const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
  return { startTime: hhmm(now - 60_000), endTime: hhmm(now + 3 * 3_600_000) };
}
