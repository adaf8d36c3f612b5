import { createConnection, type Socket } from 'node:net';
import WebSocket from 'ws';
import { serverMessageSchema, type ServerMessage } from '../../src/protocol/envelope.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/framing.js';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { withTimeout } from './wait.js';

/**
 * Messages a raw connection received, in order. `next` takes the oldest unread message that matches
 * (waiting for it if needed); every received frame is also checked against the protocol's server
 * message schema, and frames that do not fit are kept in `violations`.
 */
export class Inbox {
  readonly all: ServerMessage[] = [];
  readonly violations: string[] = [];
  private readonly unread: ServerMessage[] = [];
  private readonly waiters: {
    predicate: (m: ServerMessage) => boolean;
    resolve: (m: ServerMessage) => void;
  }[] = [];

  receive(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.violations.push(text);
      return;
    }
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.violations.push(text);
      return;
    }
    const message = raw as ServerMessage;
    this.all.push(message);
    const index = this.waiters.findIndex((w) => w.predicate(message));
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      waiter?.resolve(message);
    } else {
      this.unread.push(message);
    }
  }

  next(predicate: (m: ServerMessage) => boolean = () => true, timeoutMs = 10_000): Promise<ServerMessage> {
    const index = this.unread.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0] as ServerMessage);
    const found = new Promise<ServerMessage>((resolve) => this.waiters.push({ predicate, resolve }));
    return withTimeout(found, timeoutMs, 'raw message');
  }

  /** The next response or error carrying this request id (or, with null, a connection-level error). */
  answer(id: string | null, timeoutMs?: number): Promise<ServerMessage> {
    return this.next(
      (m) => (m.type === 'response' && m.id === id) || (m.type === 'error' && m.id === id),
      timeoutMs,
    );
  }
}

const toBuffers = (data: WebSocket.RawData): Buffer[] =>
  Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];

const helloText = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, ...extra });

/** A bare WebSocket connection (the `ws` package, not the client library) for sending any bytes. */
export class RawWsClient {
  readonly inbox = new Inbox();
  /** Resolves with the close code and reason when the connection closes. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.inbox.violations.push('<binary frame>');
      else
        this.inbox.receive(
          Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8'),
        );
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
    socket.on('error', () => undefined);
  }

  /** Opens a connection; `headers` go with the upgrade request (e.g. an `X-Forwarded-For`). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<RawWsClient> {
    const socket = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES * 64, headers });
    const client = new RawWsClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      10_000,
      'raw WebSocket open',
    );
    return client;
  }

  /** Sends hello and waits for the welcome. */
  async hello(extra: Record<string, unknown> = {}): Promise<ServerMessage> {
    this.send(helloText(extra));
    return await this.inbox.next((m) => m.type === 'welcome');
  }

  send(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? typeof data !== 'string' });
  }

  request(id: string, command: Record<string, unknown>, session?: number): void {
    this.send(
      JSON.stringify({ type: 'request', id, ...(session === undefined ? {} : { session }), command }),
    );
  }

  close(): void {
    this.socket.terminate();
  }
}

/** A bare connection to the local Unix socket (node:net) that frames text itself or sends raw bytes. */
export class RawUnixClient {
  readonly inbox = new Inbox();
  /** Resolves when the server ended the stream (or it closed). */
  readonly ended: Promise<void>;
  private readonly decoder = new FrameDecoder(MAX_FRAME_BYTES * 64);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const event of this.decoder.push(chunk)) {
        if (event.kind === 'frame') this.inbox.receive(event.text);
        else this.inbox.violations.push(`<too-large frame of ${event.length} bytes>`);
      }
    });
    this.ended = new Promise((resolve) => {
      socket.once('end', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.on('error', () => undefined);
  }

  static async open(path: string): Promise<RawUnixClient> {
    const socket = createConnection(path);
    const client = new RawUnixClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      }),
      10_000,
      'raw Unix socket connect',
    );
    return client;
  }

  async hello(extra: Record<string, unknown> = {}): Promise<ServerMessage> {
    this.send(helloText(extra));
    return await this.inbox.next((m) => m.type === 'welcome');
  }

  /** Sends one text as a length-prefixed frame. */
  send(text: string): void {
    this.socket.write(encodeFrame(text));
  }

  /** Writes bytes as they are, framing or not. */
  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  request(id: string, command: Record<string, unknown>, session?: number): void {
    this.send(
      JSON.stringify({ type: 'request', id, ...(session === undefined ? {} : { session }), command }),
    );
  }

  close(): void {
    this.socket.destroy();
  }
}
