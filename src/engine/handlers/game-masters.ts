import type { GameMasterRecord } from '../state.js';
import { fail, notFound, ok, type Handler, type HandlerContext, type Outcome } from '../handler.js';

/** The server's boundary replaces a game master's token by `sha256:<hex>` before the engine sees it. */
const HASHED_TOKEN = /^sha256:([0-9a-f]{64})$/;

const gameMasterView = (g: GameMasterRecord) => ({
  id: g.id,
  name: g.name,
  createdAt: g.createdAt,
  revokedAt: g.revokedAt,
});

/** Accounts are the owner's to give and take (AUTH-7): a game master cannot make or end another. */
function ownerOnly(ctx: HandlerContext): Outcome<never> | undefined {
  if (ctx.actor.kind === 'admin' && ctx.actor.gm === undefined) return undefined;
  if (ctx.actor.kind === 'system') return undefined;
  return fail('UNAUTHORISED', 'Only the owner (the admin token or the local socket) manages game masters.');
}

/** A new named account; names are unique among accounts that are not revoked (case-insensitive). */
export const gmAdd: Handler<'gm.add'> = (command, ctx) => {
  const refused = ownerOnly(ctx);
  if (refused !== undefined) return refused;
  const hash = HASHED_TOKEN.exec(command.token)?.[1];
  if (hash === undefined) return fail('BAD_DATA', 'The token was not hashed by the server.');
  const key = command.name.toLowerCase();
  const taken = ctx.tx.find('gameMaster', (g) => g.revokedAt === null && g.name.toLowerCase() === key);
  if (taken !== undefined) {
    return fail('ALREADY_EXISTS', `A game master named "${taken.name}" already exists.`, { field: 'name' });
  }
  if (ctx.tx.find('gameMaster', (g) => g.tokenHash === hash) !== undefined) {
    return fail('ALREADY_EXISTS', 'This token is already in use: make a new one.', { field: 'token' });
  }
  const record = ctx.tx.put('gameMaster', {
    id: ctx.tx.newId('gameMaster'),
    name: command.name,
    tokenHash: hash,
    createdAt: ctx.now,
    revokedAt: null,
  });
  return ok(gameMasterView(record));
};

export const gmList: Handler<'gm.list'> = (_command, { tx }) => ok(tx.all('gameMaster').map(gameMasterView));

/** Revoking ends the account at once: its token opens nothing and the runtime closes its connections. */
export const gmRevoke: Handler<'gm.revoke'> = (command, ctx) => {
  const refused = ownerOnly(ctx);
  if (refused !== undefined) return refused;
  const account = ctx.tx.get('gameMaster', command.id);
  if (account === undefined || account.revokedAt !== null) return notFound('game master', command.id);
  return ok(gameMasterView(ctx.tx.put('gameMaster', { ...account, revokedAt: ctx.now })));
};
