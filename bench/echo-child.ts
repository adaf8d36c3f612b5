/**
 * Benchmark helper: the baseline, a plain `ws` WebSocketServer on 127.0.0.1 (port 0) that echoes every
 * message back to its sender, in its own process like the engine server. Same IPC as server-child.ts.
 * A message starting with `{"fan":` is instead sent to every connection (the raw fan-out baseline of
 * case c); with `{"fan":"durable"` it is first inserted into SQLite (WAL, synchronous=FULL, one
 * transaction) in the data dir given as argv[2], as the engine makes a broadcast durable before sending it.
 */
import Database from 'better-sqlite3';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type RawData } from 'ws';
import type { ChildReply, ParentCommand } from './ipc.js';

const send = (reply: ChildReply): void => {
  if (process.connected) process.send?.(reply);
};

const dataDir = process.argv[2];
const db = dataDir === undefined ? undefined : new Database(join(dataDir, 'fan.db'));
db?.pragma('journal_mode = WAL');
db?.pragma('synchronous = FULL');
db?.exec('CREATE TABLE broadcast (seq INTEGER PRIMARY KEY, message TEXT NOT NULL)');
const log = db?.prepare('INSERT INTO broadcast (message) VALUES (?)');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    const buffer = data as Buffer;
    if (buffer.toString('latin1', 0, 7) !== '{"fan":') {
      socket.send(data, { binary: isBinary });
      return;
    }
    fanOut(buffer);
  });
});
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));

function fanOut(message: RawData & Buffer): void {
  if (message.toString('latin1', 7, 16) === '"durable"') log?.run(message.toString());
  for (const client of wss.clients) client.send(message, { binary: false });
}

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.terminate();
  wss.close(() => {
    db?.close();
    send({ kind: 'stopped' });
    if (process.connected) process.disconnect();
    setTimeout(() => process.exit(0), 50).unref();
  });
};

process.on('message', (message: ParentCommand) => {
  if (message.kind === 'cpu')
    send({
      kind: 'cpu',
      usage: process.cpuUsage(),
      loopMicros: null,
      peers: wss.clients.size,
      commits: null,
    });
  else if (message.kind === 'stop') stop();
});
process.on('disconnect', stop);

const { port } = wss.address() as AddressInfo;
send({ kind: 'ready', url: `ws://127.0.0.1:${port}`, token: null });
