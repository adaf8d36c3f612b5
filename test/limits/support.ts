import type { ServerMessage } from '../../src/protocol/envelope.js';
import { stateHash } from '../../src/store/state-json.js';
import { RawUnixClient, RawWsClient, type TestServer } from '../helpers/index.js';

/** A raw connection of either transport, as the limit tests drive them. */
export type Raw = RawWsClient | RawUnixClient;

export const TRANSPORTS = ['WebSocket', 'Unix socket'] as const;
type TransportName = (typeof TRANSPORTS)[number];

/** A raw connection over the named transport (say hello with {@link adminHello}). */
export async function rawClient(server: TestServer, transport: TransportName): Promise<Raw> {
  return transport === 'WebSocket' ? RawWsClient.open(server.url) : RawUnixClient.open(server.socketPath);
}

/** Says hello as the admin over either transport. */
export function adminHello(server: TestServer, raw: Raw): Promise<ServerMessage> {
  return raw instanceof RawWsClient ? raw.hello({ token: server.adminToken }) : raw.hello();
}

/** A request frame's text (no validation: the tests build bad ones too). */
export const requestText = (id: string, command: Record<string, unknown>, session?: number): string =>
  JSON.stringify({ type: 'request', id, ...(session === undefined ? {} : { session }), command });

/** `[[[…]]]`: arrays nested `depth` deep, as one frame's text. */
export const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** The whole engine state, hashed: equal before and after means bad input changed nothing. */
export const stateOf = (server: TestServer): string => stateHash(server.server.runtime.current);

/** The error code of a response or connection-level error (undefined for anything else). */
export function codeOf(message: ServerMessage): string | undefined {
  if (message.type === 'error') return message.error.code;
  if (message.type === 'response' && !message.ok) return message.error.code;
  return undefined;
}

/**
 * Counts the requests that reach the runtime's mailbox from client connections (a spy on the real
 * runtime, which still does all its work): what a limit refuses at the edge never gets there.
 */
export function countSubmissions(server: TestServer): { readonly count: number } {
  const runtime = server.server.runtime;
  const submit = runtime.submit.bind(runtime);
  const counter = { count: 0 };
  runtime.submit = (item) => {
    if (item.source === 'client') counter.count++;
    submit(item);
  };
  return counter;
}
