/**
 * A phone's browser, played by a Node child process started with `--experimental-websocket` (Node 20's
 * global WebSocket): it uses only `truinlag/client/browser`. Three page loads:
 * 1. a guest logs in and sends two actions from its outbox, each under an id it stored first: one is
 *    answered (but the page dies before marking it done), the other is still in flight when the page dies;
 * 2. a reload (the persisted client id, token and stream positions) re-sends both under their ids;
 * 3. a page with a token that was never issued.
 * Prints one JSON line: what each load saw. Settings come from TL_URL, TL_PASSPHRASE and TL_CLIENT_ID.
 */
import { connect, type TruinlagClient, type TruinlagError } from 'truinlag/client/browser';
import { recordPings, recordStates } from './support.js';

const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

/** Resolves when the client receives the ping with this text. */
const pingArrives = (client: TruinlagClient, text: string): Promise<void> =>
  new Promise((resolve) =>
    client.onBroadcast((b) => {
      if (b.event.type === 'pinged' && b.event.text === text) resolve();
    }),
  );

const url = setting('TL_URL');
const clientId = setting('TL_CLIENT_ID');

const first = connect({ url, clientId });
const firstStates = recordStates(first);
const guest = await first.ready;
const login = await first.login(setting('TL_PASSPHRASE'));
const outbox = [
  { id: first.newRequestId(), command: { type: 'ping', text: 'answered action' } as const },
  { id: first.newRequestId(), command: { type: 'ping', text: 'in-flight action' } as const },
] as const;
const answeredSeen = pingArrives(first, 'answered action');
await first.request(outbox[0].command, { id: outbox[0].id });
await answeredSeen;
first.request(outbox[1].command, { id: outbox[1].id }).catch(() => undefined);
const persisted = { token: first.token, since: first.since };
first.close();

const reloaded = connect({ url, clientId, token: persisted.token, since: persisted.since });
const reloadedStates = recordStates(reloaded);
const reloadedPings = recordPings(reloaded);
const welcome = await reloaded.ready;
const answers = await Promise.all(outbox.map(({ id, command }) => reloaded.request(command, { id })));
// The in-flight action's broadcast (resumed or live) has arrived once the later mark has: one stream, in order.
const marked = pingArrives(reloaded, 'mark');
await reloaded.request({ type: 'ping', text: 'mark' });
await marked;
reloaded.close();

const refused = connect({ url, token: 'a-token-never-issued' });
const refusedStates = recordStates(refused);
const refusedClosed = new Promise<void>((resolve) =>
  refused.onConnection((state) => {
    if (state.status === 'closed') resolve();
  }),
);
const refusal = await refused.ready.then(
  () => 'welcomed',
  (error: TruinlagError) => error.code,
);
await refusedClosed;

let socketChoice = 'accepted';
try {
  connect({ socket: '/tmp/truinlag.sock' });
} catch (error) {
  socketChoice = (error as Error).name;
}

console.log(
  JSON.stringify({
    first: { guest: guest.role, player: login.player.id, states: firstStates, since: persisted.since },
    reloaded: {
      role: welcome.role,
      player: welcome.player,
      answers,
      pings: reloadedPings,
      states: reloadedStates,
    },
    refused: { refusal, states: refusedStates },
    socketChoice,
  }),
);
