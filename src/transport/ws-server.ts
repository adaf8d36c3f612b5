import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../protocol/version.js';
import { clientAddress } from './address.js';
import { admitConnection } from './admission.js';
import type { Slot } from './address-slots.js';
import { CLOSE_CODES } from './close-codes.js';
import { BINARY_FRAME_TEXT, Connection, type ConnectionServices } from './connection.js';
import { closeGracefully, type Closable } from './graceful-close.js';

/** The handler of plain HTTP requests on the same server: the router (src/server/http-app.ts). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly heartbeatMs: number;
  readonly http: HttpHandler;
}

/**
 * The WebSocket transport on an HTTP server. Each socket gets its own Connection (I/O handler). A
 * heartbeat pings every client each `heartbeatMs`; a client that has not answered the previous ping is
 * closed as dead (CLOSE_CODES.DEAD).
 */
/** The WebSocket's port is taken: another server (maybe another truinlag) listens there. */
export class PortInUse extends Error {
  override readonly name = 'PortInUse';
  readonly code = 'PORT_IN_USE';
  constructor(host: string, port: number) {
    super(
      `Port ${port} on ${host} is in use: another server listens there. Stop it, or choose another port with --port (0: any free port) or TRUINLAG_PORT.`,
    );
  }
}

export class WsTransport {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly connections = new WeakMap<WebSocket, Connection>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: ConnectionServices,
    private readonly options: WsServerOptions,
  ) {
    this.http = createServer(options.http);
    // ws refuses frames past maxPayload by closing (1009); below it, our own limit answers TOO_LARGE.
    this.wss = new WebSocketServer({ server: this.http, maxPayload: MAX_FRAME_BYTES * 4 });
    this.wss.on('connection', (socket, req) => this.admit(socket, req));
    // ws repeats the HTTP server's errors on itself: they are the HTTP server's, handled in `listen`.
    this.wss.on('error', () => undefined);
  }

  /** Listens; a port another process holds is refused with `PortInUse`, which names it (OPS-5). */
  async listen(): Promise<AddressInfo> {
    const { host, port } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new PortInUse(host, port) : error),
      );
      this.http.listen(port, host, () => resolve());
    });
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    return this.http.address() as AddressInfo;
  }

  /** Stops accepting new connections (existing ones are closed by the runtime's shutdown). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all([...this.wss.clients].map((socket) => closeGracefully(closable(socket))));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  stopAccepting(): void {
    this.http.close();
  }

  /** A new WebSocket: let in if its address has a connection left (LIMIT-6), else told so and closed. */
  private admit(socket: WebSocket, req: IncomingMessage): void {
    const address = clientAddress(req, this.services.edge.limits.trustProxy);
    const slot = admitConnection(this.services, 'ws', address, (frame, code, reason) => {
      socket.on('error', () => undefined);
      socket.send(frame);
      closeWithin(socket, code, reason);
    });
    if (slot !== undefined) this.accept(socket, req.socket, address, slot);
  }

  private accept(socket: WebSocket, tcp: Socket, address: string, slot: Slot): void {
    this.alive.set(socket, true);
    // Frames written in one engine turn (a response and a batch of broadcasts) leave in one system call
    // per connection: the TCP socket is corked at the first frame and uncorked when the runtime flushes
    // the connection (once it has all of a release's frames), or else once the turn is over.
    let corked = false;
    const uncork = (): void => {
      if (!corked) return;
      corked = false;
      tcp.uncork();
    };
    const connection = new Connection(
      {
        trusted: false,
        transport: 'ws',
        remote: tcp.remoteAddress ?? 'unknown',
        write: (frame, written) => {
          if (!corked) {
            corked = true;
            tcp.cork();
            process.nextTick(uncork);
          }
          socket.send(frame, () => written());
        },
        flush: uncork,
        close: (code, reason) => closeWithin(socket, code, reason),
        address,
        slot,
      },
      this.services,
    );
    this.connections.set(socket, connection);
    socket.on('pong', () => this.alive.set(socket, true));
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data)
        ? data.reduce((n, b) => n + b.length, 0)
        : (data as Buffer).byteLength;
      // A binary frame is not JSON text: it is decoded as text that says so, and refused as MALFORMED.
      connection.receive({ bytes, text: () => (isBinary ? BINARY_FRAME_TEXT : rawText(data)) });
    });
    // The client's close reason is text it chose: it is not passed on (it must not reach a log, OPS-2).
    socket.on('close', (code) => connection.ended(code));
    socket.on('error', (error) => connection.ended(0, error.message));
  }

  private beat(): void {
    for (const socket of this.wss.clients) {
      if (this.alive.get(socket) === false) {
        this.connections.get(socket)?.close(CLOSE_CODES.DEAD, 'no pong');
        socket.terminate();
        continue;
      }
      this.alive.set(socket, false);
      socket.ping();
    }
  }
}

/** How long a socket the server closes may take to answer the close handshake before it is dropped. */
const CLOSE_HANDSHAKE_MS = 1_000;
/**
 * How long a socket whose close frame still waits behind unsent bytes is kept: a client that stopped
 * reading (cut off as a slow consumer, 4008) finds its close code when it reads again within this time,
 * instead of an abnormal 1006. What it holds is bounded by the outbound queue's window.
 */
const STALLED_CLOSE_MS = 10_000;

/**
 * Closes a socket with a code and reason, and drops it if the client does not complete the close in
 * time: a client that never answers must not keep the socket (its address's slot is already free).
 */
export function closeWithin(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => {
    if (socket.readyState === socket.CLOSED) return;
    if (socket.bufferedAmount === 0) return socket.terminate();
    setTimeout(() => socket.terminate(), STALLED_CLOSE_MS - CLOSE_HANDSHAKE_MS).unref();
  }, CLOSE_HANDSHAKE_MS).unref();
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** A WebSocket as {@link closeGracefully} ends it: with the shutdown close code, after its handshake. */
function closable(socket: WebSocket): Closable {
  return {
    get isClosed() {
      return socket.readyState === socket.CLOSED;
    },
    onceClosed: (callback) => socket.once('close', callback),
    end: () => {
      if (socket.readyState === socket.OPEN) socket.close(CLOSE_CODES.SHUTDOWN, 'server shutting down');
    },
    destroy: () => socket.terminate(),
  };
}
