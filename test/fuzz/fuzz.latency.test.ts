import { afterAll, describe, expect, it } from 'vitest';
import { killSpawnedServers, removeTempDirs } from '../helpers/index.js';
import { runCampaign } from './campaign.js';

/**
 * The proof that bad input costs nothing (PROTOCOL-3, the LIMIT rules): a seeded fuzzing run of 5,000
 * frames over both transports against a real server process (the long run is `npm run test:fuzz`). It
 * runs with the latency tests, alone, because it bounds a well-behaved client's wait.
 */
const SEED = 20_260_613;
const FRAMES = 5_000;
/** The longest a well-behaved player may wait for a ping's answer meanwhile, on a shared two-core machine. */
const MAX_WAIT_MS = 1_000;

afterAll(async () => {
  await killSpawnedServers();
  removeTempDirs();
});

describe('[PROTOCOL-3][LIMIT-7] fuzzing both transports', () => {
  it(`${FRAMES} fuzzed frames: no crash, every frame answered as the rules say, nothing changed, others served`, async () => {
    const result = await runCampaign({ seed: SEED, frames: FRAMES });
    const { report } = result;
    expect(report.problems).toEqual([]);
    expect(report.frames).toBe(FRAMES);
    // Every kind of bad input was tried, and the server said what the rules say.
    for (const label of [
      'binary',
      'framing',
      'random-json',
      'cut',
      'corrupt',
      'deep',
      'huge-string',
      'many-keys',
      'extra-key',
      'unknown-command',
      'wrong-type',
    ])
      expect(
        Object.keys(report.byLabel).some((l) => l.split('+').includes(label)),
        label,
      ).toBe(true);
    for (const code of [
      'MALFORMED',
      'TOO_LARGE',
      'TOO_DEEP',
      'TOO_MANY_VALUES',
      'UNKNOWN_COMMAND',
      'UNAUTHORISED',
      'RATE_LIMITED',
    ])
      expect(report.byAnswer[code] ?? 0, code).toBeGreaterThan(0);
    expect(result.unchanged).toEqual({ state: true, rows: true, journal: true });
    expect(result.alive).toBe(true);
    expect(result.exit).toEqual({ code: 0, signal: null });
    expect(result.wellBehaved.failed).toBe(0);
    expect(result.wellBehaved.pings).toBeGreaterThan(10);
    expect(result.wellBehaved.maxWaitMs).toBeLessThan(MAX_WAIT_MS);
  }, 300_000);
});
