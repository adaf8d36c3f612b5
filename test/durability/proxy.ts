import { EventEmitter } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** `up`: client → server; `down`: server → client. */
export type Direction = 'up' | 'down';

/** One WebSocket frame seen by the proxy (client frames unmasked), or the HTTP upgrade handshake. */
export interface SeenFrame {
  readonly direction: Direction;
  /** `handshake` for the HTTP upgrade bytes; otherwise the frame's opcode name. */
  readonly kind: 'handshake' | 'text' | 'close' | 'ping' | 'pong' | 'other';
  /** The payload of a text frame. */
  readonly text?: string;
  /** The close code of a close frame. */
  readonly closeCode?: number;
}

/** What the proxy does with a frame: pass it on, or cut the connection right before passing it on. */
export type FrameDecision = 'forward' | 'sever';
export type FrameFilter = (frame: SeenFrame, link: ProxyLink) => FrameDecision;

/**
 * A TCP proxy in front of a WebSocket server, for tests that need to cut a client off at an exact moment
 * (for example after the server sent a response but before the client got it) or keep it away while
 * the server changes (a restart on another port). It parses the WebSocket frames it relays (without
 * changing a byte) so a filter can decide per frame. Events: `link` (a new client connection),
 * `upstream-closed` (the server closed a link's connection), `refused` (a connection was turned away).
 */
export class TcpProxy extends EventEmitter {
  /** Connections to relay now; new ones are closed at once while `refusing` is true. */
  refusing = false;
  filter: FrameFilter | undefined;
  readonly links = new Set<ProxyLink>();
  private constructor(
    private readonly server: Server,
    private target: { host: string; port: number },
  ) {
    super();
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** Proxies the WebSocket server at `url` (ws://host:port). */
  static async forUrl(url: string): Promise<TcpProxy> {
    return await TcpProxy.start(parseUrl(url));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Sends new connections to another server (existing links keep theirs). */
  retarget(url: string): void {
    this.target = parseUrl(url);
  }

  /** Cuts every current link (both sides see the connection drop). */
  sever(): void {
    for (const link of [...this.links]) link.sever();
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      this.emit('refused');
      return;
    }
    const link = new ProxyLink(client, createConnection(this.target), this);
    this.links.add(link);
    link.once('gone', () => this.links.delete(link));
    this.emit('link', link);
  }

  /** @internal */
  decide(frame: SeenFrame, link: ProxyLink): FrameDecision {
    return this.filter?.(frame, link) ?? 'forward';
  }
}

/** One relayed connection: the client's socket and the proxy's socket to the server. */
export class ProxyLink extends EventEmitter {
  private gone = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    private readonly proxy: TcpProxy,
  ) {
    super();
    client.on('error', () => this.sever());
    upstream.on('error', () => this.sever());
    this.relay(client, upstream, 'up');
    this.relay(upstream, client, 'down');
    // A clean end on one side is passed on as a clean end (after everything relayed so far).
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    upstream.on('close', () => {
      this.proxy.emit('upstream-closed', this);
      this.emit('upstream-closed');
      if (!client.destroyed) client.end();
      this.finish();
    });
    client.on('close', () => {
      upstream.destroy();
      this.finish();
    });
  }

  /** Drops the connection on both sides at once. */
  sever(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.gone) return;
    if (this.client.destroyed && this.upstream.destroyed) {
      this.gone = true;
      this.emit('gone');
    }
  }

  /** Relays bytes from `from` to `to` unchanged, frame by frame, honouring back-pressure. */
  private relay(from: Socket, to: Socket, direction: Direction): void {
    const parser = new FrameParser(direction);
    let waiting = false;
    from.on('data', (chunk: Buffer) => {
      for (const unit of parser.push(chunk)) {
        if (this.gone || to.destroyed) return;
        if (this.proxy.decide(unit.frame, this) === 'sever') {
          this.sever();
          return;
        }
        if (!to.write(unit.bytes) && !waiting) {
          waiting = true;
          from.pause();
          to.once('drain', () => {
            waiting = false;
            from.resume();
          });
        }
      }
    });
  }
}

/** Splits a byte stream into the HTTP upgrade handshake and then whole WebSocket frames. */
class FrameParser {
  private buffer = Buffer.alloc(0);
  private handshakeDone = false;

  constructor(private readonly direction: Direction) {}

  push(chunk: Buffer): { bytes: Buffer; frame: SeenFrame }[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const units: { bytes: Buffer; frame: SeenFrame }[] = [];
    for (;;) {
      const unit = this.handshakeDone ? this.nextFrame() : this.nextHandshake();
      if (unit === undefined) return units;
      units.push(unit);
    }
  }

  private nextHandshake(): { bytes: Buffer; frame: SeenFrame } | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    this.handshakeDone = true;
    return { bytes: this.take(end + 4), frame: { direction: this.direction, kind: 'handshake' } };
  }

  private nextFrame(): { bytes: Buffer; frame: SeenFrame } | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    const opcode = (b[0] as number) & 0x0f;
    const masked = ((b[1] as number) & 0x80) !== 0;
    let length = (b[1] as number) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const mask = masked ? b.subarray(offset, offset + 4) : undefined;
    if (masked) offset += 4;
    if (b.length < offset + length) return undefined;
    const payload = Buffer.from(b.subarray(offset, offset + length));
    if (mask !== undefined)
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    const bytes = this.take(offset + length);
    const direction = this.direction;
    switch (opcode) {
      case 0x1:
        return { bytes, frame: { direction, kind: 'text', text: payload.toString('utf8') } };
      case 0x8:
        return {
          bytes,
          frame: {
            direction,
            kind: 'close',
            ...(payload.length >= 2 ? { closeCode: payload.readUInt16BE(0) } : {}),
          },
        };
      case 0x9:
        return { bytes, frame: { direction, kind: 'ping' } };
      case 0xa:
        return { bytes, frame: { direction, kind: 'pong' } };
      default:
        return { bytes, frame: { direction, kind: 'other' } };
    }
  }

  private take(n: number): Buffer {
    const bytes = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return bytes;
  }
}

function parseUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) };
}

/** The parsed JSON of a text frame, or undefined. */
export function frameJson(frame: SeenFrame): Record<string, unknown> | undefined {
  if (frame.kind !== 'text' || frame.text === undefined) return undefined;
  try {
    return JSON.parse(frame.text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
