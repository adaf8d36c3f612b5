/**
 * Runs a subset of the benchmark cases and prints their summaries as JSON (for iterating on one target;
 * `npm run bench` is the full, reported run). Usage: npm run build && tsx bench/only.ts a b c d f g h
 */
import { fanOut, libraryPings, playerAdds, rawRoundTrips, rawSqliteInserts, slowClient } from './cases.js';
import { fullDay } from './full-day.js';
import { cleanup, startEcho, startEngine } from './harness.js';
import { pingUnderWrites } from './ping-under-writes.js';
import { rawFanOut } from './raw-fan-out.js';
import { redisFsyncSets } from './redis.js';
import { startup } from './startup.js';

const wanted = new Set(process.argv.slice(2));
const out: Record<string, unknown> = {};
try {
  if (wanted.has('a')) {
    const echo = await startEcho();
    out.echo50 = await rawRoundTrips(echo, false, 50);
    await echo.stop();
    const engine = await startEngine(8 * 1024 * 1024);
    out.ping50 = await rawRoundTrips(engine, true, 50);
    out.libraryPing50 = await libraryPings(engine, 50);
    await engine.stop();
  }
  if (wanted.has('b')) {
    const engine = await startEngine(8 * 1024 * 1024);
    out.playerAdd50 = await playerAdds(engine, 50, false);
    out.playerAdd50Watching = await playerAdds(engine, 50, true);
    await engine.stop();
    out.rawSqlite = rawSqliteInserts();
    out.redis = await redisFsyncSets(50);
  }
  if (wanted.has('c')) {
    const echo = await startEcho();
    out.rawFanOut = await rawFanOut(echo, 1_000, 20, false);
    out.rawDurableFanOut = await rawFanOut(echo, 1_000, 20, true);
    await echo.stop();
    const engine = await startEngine(8 * 1024 * 1024);
    out.fanOut = await fanOut(engine, 1_000, 20);
    await engine.stop();
  }
  if (wanted.has('d')) {
    const engine = await startEngine(256 * 1024);
    out.slowClient = await slowClient(engine, 50, 1_000, 20_000);
    await engine.stop();
  }
  if (wanted.has('f')) {
    const engine = await startEngine(8 * 1024 * 1024);
    out.pingUnderWrites = await pingUnderWrites(engine, 50);
    await engine.stop();
  }
  // (h) runs in this process (the runtime on a fake clock); BENCH_DAY_ROUNDS shortens the day for a look.
  if (wanted.has('h')) out.fullDay = await fullDay(Number(process.env.BENCH_DAY_ROUNDS ?? '') || undefined);
  if (wanted.has('g')) out.startup = await startup((line) => void process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
} finally {
  cleanup();
  setTimeout(() => process.exit(), 500).unref();
}
