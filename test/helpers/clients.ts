import { connect, type ConnectOptions, type TruinlagClient } from '../../src/client/node.js';
import type { BroadcastMessage, Notice } from '../../src/protocol/envelope.js';
import { withTimeout } from './wait.js';

export type ClientTarget =
  { readonly url: string | readonly string[]; readonly token?: string } | { readonly socket: string };

const open = new Set<TruinlagClient>();

/**
 * Connects a real client (the client library) and waits for the server's welcome. By default it does
 * not reconnect and gives up on a request after 15 s, so a lost response fails the test instead of
 * hanging it. Closed by `closeClients`.
 */
export async function openClient(
  target: ClientTarget,
  options: Omit<ConnectOptions, 'url' | 'socket'> = {},
): Promise<TruinlagClient> {
  const base = { reconnect: false, requestTimeoutMs: 15_000, ...options };
  const client =
    'url' in target
      ? connect({ ...base, url: target.url, ...(target.token === undefined ? {} : { token: target.token }) })
      : connect({ ...base, socket: target.socket });
  open.add(client);
  await withTimeout(client.ready, 10_000, 'client welcome');
  return client;
}

/** Closes every client `openClient` opened in this file (for afterEach). */
export function closeClients(): void {
  for (const client of open) client.close();
  open.clear();
}

/**
 * The next broadcast matching `predicate` that this client receives from now on. Subscribe before
 * sending what causes it.
 */
export function nextBroadcast(
  client: TruinlagClient,
  predicate: (b: BroadcastMessage) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<BroadcastMessage> {
  let off: () => void = () => undefined;
  const found = new Promise<BroadcastMessage>((resolve) => {
    off = client.onBroadcast((b) => {
      if (!predicate(b)) return;
      off();
      resolve(b);
    });
  });
  return withTimeout(found, timeoutMs, 'broadcast').finally(() => off());
}

/** The next notice matching `predicate` that this client receives from now on. */
export function nextNotice(
  client: TruinlagClient,
  predicate: (n: Notice) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Notice> {
  let off: () => void = () => undefined;
  const found = new Promise<Notice>((resolve) => {
    off = client.onNotice((n) => {
      if (!predicate(n)) return;
      off();
      resolve(n);
    });
  });
  return withTimeout(found, timeoutMs, 'notice').finally(() => off());
}

/** Resolves when the client's connection goes down (for clients that do not reconnect). */
export function disconnected(client: TruinlagClient, timeoutMs = 10_000): Promise<void> {
  let off: () => void = () => undefined;
  const down = new Promise<void>((resolve) => {
    off = client.onConnection((state) => {
      if (state.status === 'closed') resolve();
    });
  });
  return withTimeout(down, timeoutMs, 'disconnect').finally(() => off());
}
