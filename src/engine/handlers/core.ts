import type { Actor, Handler } from '../handler.js';
import { fail, ok } from '../handler.js';
import { TABLE_NAMES } from '../state.js';
import { SESSION_ID_BASE, type Tx } from '../tx.js';
import { playerViewIn, sessionView } from '../views.js';

/**
 * Without a text a liveness check: only answered, so it changes and announces nothing and costs no
 * commit (PING-1). With a text it is also broadcast (PING-2): a game master's to everyone, on the global
 * stream; a player's only to the player's own session, so that no text crosses into another game; a
 * guest's to no one, so that no one unknown can push text to players.
 */
export const ping: Handler<'ping'> = (command, { tx, actor }) => {
  const text = command.text ?? null;
  const stream = text === null ? undefined : pingStream(tx, actor);
  if (stream !== undefined)
    tx.broadcast({ session: stream, audience: 'all', event: { type: 'pinged', text } });
  return ok({ text });
};

/** Where a ping's text goes (PING-2): a session's stream, the global one (null), or nowhere (undefined). */
function pingStream(tx: Tx, actor: Actor): number | null | undefined {
  if (actor.kind === 'guest') return undefined;
  if (actor.kind !== 'player') return null;
  return tx.get('player', actor.player)?.session ?? undefined;
}

export const stateGet: Handler<'state.get'> = (_command, { tx }) =>
  ok({
    sessions: tx.all('session').map(sessionView),
    players: tx.all('player').map((p) => playerViewIn(tx, p)),
    seq: Object.fromEntries(tx.base.streams),
  });

/**
 * Switches to the `per-session` id space (CLUSTER-16); again in that space, it changes nothing. Every id
 * handed out so far must stay below 2^32, the first id of session 1's range: a larger one could equal an id
 * a session's counter hands out later.
 */
export const idsPartition: Handler<'ids.partition'> = (_command, { tx }) => {
  if (tx.idSpace() === 'per-session') return ok({ space: 'per-session' as const });
  const large = TABLE_NAMES.find((table) => tx.base.nextIds[table] > SESSION_ID_BASE);
  if (large !== undefined)
    return fail('IDS_EXHAUSTED', `The ${large} table has handed out ids of 2^32 or more: they cannot stay.`, {
      entity: large,
    });
  tx.partitionIds();
  return ok({ space: 'per-session' as const });
};

export const serverShutdown: Handler<'server.shutdown'> = (_command, { requestShutdown }) => {
  requestShutdown();
  return ok({ shuttingDown: true as const });
};

/** A backup's name: one file name, so that it can only land in the backups folder (DURABILITY-7). */
const BACKUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * Backups are slow I/O: they run beside the engine as a job and answer when done. They are written only
 * into the data directory's backups folder, under a plain file name (DURABILITY-7): a path could make the
 * server overwrite any file it may write.
 */
export const serverBackup: Handler<'server.backup'> = (command, { startJob }) => {
  if (!BACKUP_NAME.test(command.file)) {
    return fail(
      'INVALID',
      'Name the backup with a plain file name (letters, digits, ".", "_", "-"; no path): it is written into ' +
        "the data directory's backups folder.",
      { rule: 'backup-name', field: 'file' },
    );
  }
  startJob({ kind: 'backup', input: { file: command.file } });
  return { ok: 'deferred' };
};

export const serverBackupDone: Handler<'server.backup.done'> = (command) =>
  command.error === null && command.totalPages !== null
    ? ok({ file: command.file, totalPages: command.totalPages })
    : fail('TEXT_ERROR', `The backup failed: ${command.error ?? 'unknown error'}`);
