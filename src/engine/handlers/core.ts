import type { Handler } from '../handler.js';
import { ok } from '../handler.js';
import { playerView, sessionView } from '../views.js';

export const ping: Handler<'ping'> = (command, { tx }) => {
  const text = command.text ?? null;
  tx.broadcast({ session: null, audience: 'all', event: { type: 'pinged', text } });
  return ok({ text });
};

export const stateGet: Handler<'state.get'> = (_command, { tx }) =>
  ok({
    sessions: tx.all('session').map(sessionView),
    players: tx.all('player').map(playerView),
    seq: Object.fromEntries(tx.base.streams),
  });

export const serverShutdown: Handler<'server.shutdown'> = (_command, { requestShutdown }) => {
  requestShutdown();
  return ok({ shuttingDown: true as const });
};
