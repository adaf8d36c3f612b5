import { existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { encodeConnectionError } from '../protocol/encode.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import { makeError } from '../protocol/errors.js';
import { MAX_FRAME_BYTES } from '../protocol/version.js';
import { Connection, type ConnectionServices } from './connection.js';
import { closeGracefully, type Closable } from './graceful-close.js';

/**
 * The local Unix-domain socket transport: the same messages as WebSocket, as length-prefixed frames.
 * Connections here are trusted as admin (AUTH-1): only local users with access to the data directory can
 * reach the socket file.
 */
export class UnixTransport {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly services: ConnectionServices,
    readonly path: string,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens, replacing a stale socket file left by a killed server (but never a live one). */
  async listen(): Promise<void> {
    if (existsSync(this.path)) {
      if (await isLive(this.path)) throw new Error(`Another server is listening on ${this.path}.`);
      unlinkSync(this.path);
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => resolve());
    });
  }

  stopAccepting(): void {
    this.server.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.sockets].map((socket) => closeGracefully(closable(socket))));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (existsSync(this.path)) unlinkSync(this.path);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const decoder = new FrameDecoder(MAX_FRAME_BYTES);
    const connection = new Connection(
      {
        trusted: true,
        transport: 'unix',
        remote: 'local',
        address: 'local',
        write: (frame, written) => {
          if (socket.destroyed) return written();
          socket.write(encodeFrame(frame), () => written());
        },
        close: (_code, reason) => {
          socket.end();
          socket.destroySoon();
          void reason;
        },
      },
      this.services,
    );
    socket.on('data', (chunk) => {
      try {
        for (const event of decoder.push(chunk)) {
          // A frame too large for the decoder was skipped: only its size is known, which is all it needs.
          if (event.kind === 'too-large') connection.receive({ bytes: event.length, text: () => '' });
          else connection.receive({ bytes: Buffer.byteLength(event.text), text: () => event.text });
        }
      } catch {
        // The byte stream does not follow the framing: nothing after this point can be trusted.
        socket.end(encodeFrame(encodeConnectionError(makeError('MALFORMED', 'Broken framing.'))));
        connection.close(0, 'broken framing');
      }
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      connection.ended();
    });
    socket.on('error', (error) => connection.ended(0, error.message));
  }
}

function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** A socket as {@link closeGracefully} ends it. */
function closable(socket: Socket): Closable {
  return {
    get isClosed() {
      return socket.destroyed;
    },
    onceClosed: (callback) => socket.once('close', callback),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
  };
}
