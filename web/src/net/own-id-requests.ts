import type { ClientTransport } from '../../../src/client/transport.js';
import type { AnyCommandInput } from '../../../src/protocol/commands/index.js';
import type { ProtocolError } from '../../../src/protocol/errors.js';

/** The answer to a request sent under an id of our own. */
export type Answer = { ok: true; result: unknown } | { ok: false; error: ProtocolError };

/** Why a request sent under our own id has no answer (yet): there was no connection to send it on. */
export class NotConnected extends Error {
  constructor() {
    super('not connected');
  }
}

interface Waiting {
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: NotConnected) => void;
}

/**
 * Requests under ids the caller chose, on the client library's own connection. The library picks its
 * request ids itself, but the outbox (D24) must store an action with its id before sending it, and send
 * it again under that id after a reload; so the connection is wrapped here: frames pass through
 * unchanged, and the responses to our ids are picked out (the library ignores ids it did not send).
 * Replace this with the library's own `request(command, { id })` once it has one.
 */
export class OwnIdRequests {
  private transport: ClientTransport | undefined;
  private welcomed = false;
  private readonly waiting = new Map<string, Waiting>();
  /** Called when the server refuses the hello itself (an ended token): reconnecting cannot help. */
  onRefused: (code: string) => void = () => undefined;

  /** Wraps the library's transport factory. */
  wrap(connect: () => ClientTransport): () => ClientTransport {
    return () => {
      const inner = connect();
      const outer: ClientTransport = {
        send: (text) => inner.send(text),
        close: () => inner.close(),
        onOpen: () => undefined,
        onMessage: () => undefined,
        onClose: () => undefined,
      };
      inner.onOpen = () => {
        this.transport = inner;
        this.welcomed = false;
        outer.onOpen();
      };
      inner.onMessage = (text) => {
        this.inspect(text);
        outer.onMessage(text);
      };
      inner.onClose = () => {
        if (this.transport === inner) this.lost();
        outer.onClose();
      };
      return outer;
    };
  }

  /** Whether a request sent now goes out on a welcomed connection. */
  get connected(): boolean {
    return this.welcomed && this.transport !== undefined;
  }

  /**
   * Sends a command under `id` and resolves with its answer. Rejects with NotConnected when there is no
   * welcomed connection or it is lost before the answer: the caller sends it again, under the same id,
   * once connected (the server answers a repeated id with its first answer and does not apply it again).
   */
  send(id: string, command: AnyCommandInput, session?: number): Promise<Answer> {
    if (!this.connected || this.transport === undefined) return Promise.reject(new NotConnected());
    const transport = this.transport;
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.get(id)?.reject(new NotConnected());
      this.waiting.set(id, { resolve, reject });
      transport.send(
        JSON.stringify({ type: 'request', id, ...(session === undefined ? {} : { session }), command }),
      );
    });
  }

  private inspect(text: string): void {
    // Only welcomes, responses and errors matter here; everything else is left to the library unparsed.
    if (!/"(welcome|response|error)"/.test(text)) return;
    let message: { type?: string; id?: string | null; ok?: boolean; result?: unknown; error?: ProtocolError };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.type === 'welcome') this.welcomed = true;
    if (message.type === 'error' && message.id === null && message.error?.code === 'UNAUTHORISED')
      this.onRefused(message.error.code);
    if (message.type !== 'response' || typeof message.id !== 'string') return;
    const waiting = this.waiting.get(message.id);
    if (waiting === undefined) return;
    this.waiting.delete(message.id);
    waiting.resolve(
      message.ok === true
        ? { ok: true, result: message.result }
        : { ok: false, error: message.error as ProtocolError },
    );
  }

  private lost(): void {
    this.transport = undefined;
    this.welcomed = false;
    for (const waiting of this.waiting.values()) waiting.reject(new NotConnected());
    this.waiting.clear();
  }
}
