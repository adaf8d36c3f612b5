/**
 * Benchmark helper: the engine server — the built one in dist/ (tsc's modules; `npm start` runs the same code bundled) — in its own
 * process (forked by bench/run.ts with an IPC channel), so that on a small machine the server and the load-generating clients each get their own core and the
 * clients' work is not counted as server time. Listens on 127.0.0.1, port 0, in the data dir given as
 * argv[2], with maxQueueBytes from argv[3].
 *
 * IPC: sends {kind:'ready', url}; answers {kind:'cpu'} with its cumulative CPU time (all threads, the
 * commit writer included), its attached connections and its group-commit counters; with
 * {kind:'watch', on:true} it reports every detached connection ({kind:'detached', at, peers}) so the
 * benchmark can see when a slow consumer is cut off; {kind:'stop'} shuts the server down and exits.
 */
import { readFileSync } from 'node:fs';
import type { Peer } from '../src/runtime/peer.js';
import type * as ServerConfigModule from '../src/server/config.js';
import type * as ServerModule from '../src/server/server.js';
import type { ChildReply, ParentCommand } from './ipc.js';

/**
 * The built server is loaded at run time (`npm run bench` builds it first), typed by the sources it is
 * built from: a static import of dist/ would not typecheck on a fresh clone, which has no dist/ yet.
 */
const built = (module: string): string => new URL(`../dist/${module}`, import.meta.url).href;
const { resolveServerConfig } = (await import(built('server/config.js'))) as typeof ServerConfigModule;
const { startServer } = (await import(built('server/server.js'))) as typeof ServerModule;

/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second. */
const CLOCK_TICK_MICROS = 10_000;

const [dataDir, maxQueue] = process.argv.slice(2);
if (dataDir === undefined || maxQueue === undefined)
  throw new Error('usage: server-child <dataDir> <maxQueueBytes>');

const server = await startServer(
  resolveServerConfig({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    maxQueueBytes: Number(maxQueue),
    logLevel: 'error',
  }),
);

const send = (reply: ChildReply): void => {
  if (process.connected) process.send?.(reply);
};

// Bench-only instrumentation: observe attach/detach through the runtime's public methods.
let peers = 0;
let watching = false;
const runtime = server.runtime;
const attach = runtime.attach.bind(runtime);
const detach = runtime.detach.bind(runtime);
const attached = new Set<string>();
runtime.attach = (peer: Peer): void => {
  if (!attached.has(peer.id)) peers++;
  attached.add(peer.id);
  attach(peer);
};
runtime.detach = (peer: Peer): void => {
  if (attached.delete(peer.id)) peers--;
  detach(peer);
  if (watching) send({ kind: 'detached', at: Date.now(), peers });
};

/**
 * The main thread's CPU time (µs): the loop's own cost, apart from the commit writer's thread. Linux
 * reports it per thread in /proc (utime and stime, in clock ticks of 10 ms); the main thread's id is the pid.
 */
function mainThreadMicros(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MICROS;
  } catch {
    return null;
  }
}

process.on('message', (message: ParentCommand) => {
  switch (message.kind) {
    case 'cpu':
      send({
        kind: 'cpu',
        usage: process.cpuUsage(),
        loopMicros: mainThreadMicros(),
        peers,
        commits: { ...runtime.commitStats },
      });
      return;
    case 'watch':
      watching = message.on;
      return;
    case 'stop':
      void server.shutdown().then(() => {
        send({ kind: 'stopped' });
        if (process.connected) process.disconnect();
        setTimeout(() => process.exit(0), 50).unref();
      });
      return;
  }
});
process.on('disconnect', () => void server.shutdown().then(() => process.exit(0)));

send({ kind: 'ready', url: server.url, token: server.adminToken });
