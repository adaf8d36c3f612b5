/**
 * Runs a subset of the benchmark cases and prints their summaries as JSON (for iterating on one target;
 * `npm run bench` is the full, reported run). Usage: npm run build && tsx bench/only.ts a b
 */
import { libraryPings, playerAdds, rawRoundTrips, rawSqliteInserts } from './cases.js';
import { cleanup, startEcho, startEngine } from './harness.js';
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
  }
  if (wanted.has('g')) out.startup = await startup((line) => void process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
} finally {
  cleanup();
  setTimeout(() => process.exit(), 500).unref();
}
