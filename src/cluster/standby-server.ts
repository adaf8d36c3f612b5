import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES } from '../transport/close-codes.js';
import type { LeaseHolder } from './engine-lease.js';

/**
 * What a standby node listens with on the engine's port: every WebSocket is accepted and closed at once
 * with NOT_OWNER and the owner's name and URL as the reason (a client given every node's URL moves on to
 * the next); HTTP requests get 503 with the same in JSON, so a load balancer's health check skips it.
 */
export class StandbyServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(
    private readonly node: string,
    private readonly owner: () => LeaseHolder | undefined,
  ) {
    this.http = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      response.end(JSON.stringify({ status: 'standby', node: this.node, owner: this.owner() ?? null }));
    });
    this.http.on('upgrade', (request, socket, head) =>
      this.wss.handleUpgrade(request, socket, head, (ws) => ws.close(CLOSE_CODES.NOT_OWNER, this.reason())),
    );
  }

  /** Listens on `host:port` (0: any free port); resolves with the address taken. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve(this.http.address() as AddressInfo));
    });
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** The close reason (at most 123 bytes): who owns the engine and where. */
  private reason(): string {
    const owner = this.owner();
    return (
      owner === undefined ? 'standby: no owner yet' : `standby: ${owner.node} owns at ${owner.url}`
    ).slice(0, 123);
  }
}
