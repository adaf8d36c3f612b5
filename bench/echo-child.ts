/**
 * Benchmark helper: the baseline, a plain `ws` WebSocketServer on 127.0.0.1 (port 0) that echoes every
 * message back to its sender, in its own process like the engine server. Same IPC as server-child.ts.
 */
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import type { ChildReply, ParentCommand } from './ipc.js';

const send = (reply: ChildReply): void => {
  if (process.connected) process.send?.(reply);
};

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  for (const client of wss.clients) client.terminate();
  wss.close(() => {
    send({ kind: 'stopped' });
    if (process.connected) process.disconnect();
    setTimeout(() => process.exit(0), 50).unref();
  });
};

process.on('message', (message: ParentCommand) => {
  if (message.kind === 'cpu')
    send({ kind: 'cpu', usage: process.cpuUsage(), peers: wss.clients.size, commits: null });
  else if (message.kind === 'stop') stop();
});
process.on('disconnect', stop);

const { port } = wss.address() as AddressInfo;
send({ kind: 'ready', url: `ws://127.0.0.1:${port}`, token: null });
