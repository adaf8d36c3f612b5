import type { ConnectionState, TruinlagClient } from 'truinlag/client';

/** A connection state in a few words, for comparing sequences of them: `open player`, `closed CLOSED`. */
export function describeState(state: ConnectionState): string {
  switch (state.status) {
    case 'connecting':
      return `connecting ${state.attempt}`;
    case 'open':
      return `open ${state.welcome.role}`;
    case 'closed':
      return `closed ${state.reason.code}${state.reconnecting ? ' reconnecting' : ''}`;
  }
}

/** Every connection state a client reports from now on, described. */
export function recordStates(client: Pick<TruinlagClient, 'onConnection'>): string[] {
  const seen: string[] = [];
  client.onConnection((state) => seen.push(describeState(state)));
  return seen;
}

/**
 * The texts of the pings a client receives from now on, in arrival order (of the package's client or,
 * in a server's test, the sources' one).
 */
export function recordPings(client: Pick<TruinlagClient, 'onBroadcast'>): string[] {
  const texts: string[] = [];
  client.onBroadcast((b) => {
    if (b.event.type === 'pinged' && b.event.text !== null) texts.push(b.event.text);
  });
  return texts;
}
