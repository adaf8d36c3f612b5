import { z } from 'zod';
import { defineCommand } from '../define.js';
import { idSchema, modeSchema, nameSchema, playerSchema, sessionSchema } from '../entities.js';

export const ping = defineCommand({
  type: 'ping',
  summary:
    'Answers the requester; a text is also broadcast: an admin’s to everyone, a player’s to its own session ' +
    '(a text-less or guest’s ping is only answered).',
  scope: 'global',
  access: 'public',
  params: { text: z.string().max(1000).optional() },
  result: z.object({ text: z.string().nullable() }),
});

export const stateGet = defineCommand({
  type: 'state.get',
  summary: 'The global state: every session and every player.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.object({
    sessions: z.array(sessionSchema),
    players: z.array(playerSchema),
    /** Last broadcast sequence number per stream ("global" or a session id): resume from here. */
    seq: z.record(z.string(), z.number().int().nonnegative()),
  }),
});

/** IANA zone names are checked by the engine (Intl); the schema only bounds the text. */
const timeZoneSchema = z.string().min(1).max(64);

export const sessionAdd = defineCommand({
  type: 'session.add',
  summary: 'Creates a game session; names are unique.',
  scope: 'global',
  access: 'admin',
  params: { name: nameSchema, mode: modeSchema.optional(), timeZone: timeZoneSchema.optional() },
  result: sessionSchema,
});

export const sessionList = defineCommand({
  type: 'session.list',
  summary: 'Every session.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.array(sessionSchema),
});

/** Passphrases are secrets: bounded, never echoed (AUTH-4). */
export const passphraseSchema = z.string().min(4).max(200);

export const playerAdd = defineCommand({
  type: 'player.add',
  summary: 'Creates a player; passphrases are unique and stored only as a salted hash.',
  scope: 'global',
  access: 'admin',
  params: { name: nameSchema, passphrase: passphraseSchema, session: idSchema.optional() },
  result: playerSchema,
});

export const playerList = defineCommand({
  type: 'player.list',
  summary: 'Every player (without passphrases).',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.array(playerSchema),
});

/**
 * Internal: switches the state to the `per-session` id space, for good (CLUSTER-16). A cluster's owner
 * sends it through its runtime before it serves; a game master cannot (the switch is a deployment's, not a
 * game's, and cannot be undone).
 */
export const idsPartition = defineCommand({
  type: 'ids.partition',
  summary: 'Switches id allocation to one counter per session and table, for good (sent by a cluster owner).',
  scope: 'global',
  access: 'internal',
  params: {},
  result: z.object({ space: z.literal('per-session') }),
});

export const serverShutdown = defineCommand({
  type: 'server.shutdown',
  summary: 'Shuts the server down cleanly: stop accepting, drain, tell clients, close.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.object({ shuttingDown: z.literal(true) }),
});

export const serverBackup = defineCommand({
  type: 'server.backup',
  summary:
    "Writes a consistent online backup of the store (SQLite backup API) into the data directory's backups folder, as `file` (a plain file name); answers the path written.",
  scope: 'global',
  access: 'admin',
  params: { file: z.string().min(1).max(4096) },
  result: z.object({ file: z.string(), totalPages: z.number().int() }),
});

/** Internal: the backup job's result, answered to whoever asked for the backup. */
export const serverBackupDone = defineCommand({
  type: 'server.backup.done',
  summary: 'A backup job finished (sent by the runtime).',
  scope: 'global',
  access: 'internal',
  params: { file: z.string(), totalPages: z.number().int().nullable(), error: z.string().nullable() },
  result: z.object({ file: z.string(), totalPages: z.number().int() }),
});
