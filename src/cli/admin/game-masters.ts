import { randomBytes } from 'node:crypto';
import type { TruinlagClient } from '../../client/node.js';
import type { Author } from '../../protocol/authors.js';
import { CliError, type GlobalOptions } from '../connection.js';
import { show, withConnection } from '../game/call.js';

/** `gm add|list|revoke` (AUTH-7): named game-master accounts, managed by the owner. */

/**
 * Makes an account with a fresh token: 32 random bytes drawn here, sent once, stored by the server only
 * as a hash. It is printed once; nobody can show it again.
 */
export function gmAdd(options: GlobalOptions, name: string): Promise<void> {
  return withConnection(options, async (client) => {
    const token = randomBytes(32).toString('base64url');
    const account = await client.request({ type: 'gm.add', name, token });
    show(options, { ...account, token }, () => ({
      ...account,
      token,
      note: 'The token is shown only now: give it to the game master (--token, or the dashboard login).',
    }));
  });
}

export function gmList(options: GlobalOptions): Promise<void> {
  return withConnection(options, async (client) => {
    const accounts = await client.request({ type: 'gm.list' });
    show(options, accounts, () =>
      accounts.map((a) => ({
        id: a.id,
        name: a.name,
        created: new Date(a.createdAt).toISOString(),
        revoked: a.revokedAt === null ? '' : new Date(a.revokedAt).toISOString(),
      })),
    );
  });
}

/** Revokes the live account with that name (or id): its token stops working and its connections end. */
export function gmRevoke(options: GlobalOptions, ref: string): Promise<void> {
  return withConnection(options, async (client) => {
    const account = await liveAccount(client, ref);
    const revoked = await client.request({ type: 'gm.revoke', id: account.id });
    show(options, revoked, () => `revoked game master "${revoked.name}" (id ${revoked.id})`);
  });
}

async function liveAccount(client: TruinlagClient, ref: string): Promise<{ id: number; name: string }> {
  const live = (await client.request({ type: 'gm.list' })).filter((a) => a.revokedAt === null);
  const key = ref.trim().toLowerCase();
  const found = live.find((a) => String(a.id) === key) ?? live.find((a) => a.name.toLowerCase() === key);
  if (found === undefined) throw new CliError('NOT_FOUND', `No live game master "${ref}".`);
  return found;
}

/** Who ran a command, as people read it. */
export function authorText(by: Author): string {
  switch (by.kind) {
    case 'gameMaster':
      return `gm ${by.name}`;
    case 'player':
      return `player #${by.player}`;
    case 'owner':
    case 'guest':
    case 'engine':
      return by.kind;
  }
}
