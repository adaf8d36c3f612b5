import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../protocol/version.js';
import { requestHandler } from '../server/http-app.js';
import { clientAddress } from '../transport/address.js';
import { CLOSE_CODES } from '../transport/close-codes.js';
import { closeWithin } from '../transport/ws-server.js';
import type { ConnectionRelay } from './connection-relay.js';
import type { LeaseHolder } from './engine-lease.js';
import { standbyHttp, type StandbyHttpOptions } from './standby-http.js';

export interface StandbyServerOptions extends StandbyHttpOptions {
  readonly relay: ConnectionRelay;
  readonly heartbeatMs: number;
  /** Whether to take the client's address from `X-Forwarded-For` (LIMIT-6, as on the owner). */
  readonly trustProxy: boolean;
}

/**
 * What a node that does not own the engine listens with on its port: every WebSocket is relayed to the
 * owner (CLUSTER-4), or closed with RELAY_LOST while no owner is known (the client retries, here or
 * elsewhere); HTTP is the standby's (src/cluster/standby-http.ts). Its own sockets are pinged each
 * heartbeat and dropped when dead, as the owner's are.
 */
export class StandbyServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 4 });
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: StandbyServerOptions) {
    this.http = createServer(requestHandler(standbyHttp(options)));
    this.http.on('upgrade', (request, socket, head) =>
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        const owner = options.owner();
        if (owner === undefined)
          return closeWithin(ws, CLOSE_CODES.RELAY_LOST, 'no owner known yet: reconnect');
        this.alive.set(ws, true);
        ws.on('pong', () => this.alive.set(ws, true));
        options.relay.relay(ws, owner.node, {
          remote: request.socket.remoteAddress ?? 'unknown',
          address: clientAddress(request, options.trustProxy),
        });
      }),
    );
  }

  /** Listens on `host:port` (0: any free port); resolves with the address taken. */
  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    return this.http.address() as AddressInfo;
  }

  /** The owner changed (or is gone): the sockets relayed to another one are told to reconnect. */
  ownerIs(owner: LeaseHolder | undefined): void {
    this.options.relay.keepOnly(owner?.node, "the engine's owner changed: reconnect and resume");
  }

  /** Stops listening; the sockets still relayed are told to reconnect (this node is taking over). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.options.relay.keepOnly(undefined, "the engine's owner changed: reconnect and resume");
    // Each socket gets its close frame out (closeWithin drops it after a second at most).
    await Promise.all([...this.wss.clients].map((socket) => closedOf(socket)));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private beat(): void {
    for (const socket of this.wss.clients) {
      if (this.alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      this.alive.set(socket, false);
      socket.ping();
    }
  }
}

function closedOf(socket: WebSocket): Promise<void> {
  return socket.readyState === socket.CLOSED
    ? Promise.resolve()
    : new Promise((resolve) => socket.once('close', () => resolve()));
}
