import { z } from 'zod';
import { authorSchema } from '../authors.js';
import { defineCommand } from '../define.js';
import { idSchema, nameSchema } from '../entities.js';

/**
 * Game-master accounts and the audit (AUTH-7, AUTH-9). A game master's token is made by the client (the CLI
 * draws 32 random bytes) and sent once with `gm.add`; the server's boundary replaces it by its SHA-256
 * before the engine sees it, so neither the state, the journal nor a stored answer ever holds it.
 */
export const GM_TOKEN_MIN_LENGTH = 32;

export const gameMasterSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    createdAt: z.number(),
    /** When the account was revoked (its token opens nothing since), or null. */
    revokedAt: z.number().nullable(),
  })
  .meta({ id: 'GameMaster' });

export const gmAdd = defineCommand({
  type: 'gm.add',
  summary:
    'Creates a named game-master account (owner only); the token is chosen by the client and stored only as a hash.',
  scope: 'global',
  access: 'admin',
  params: { name: nameSchema, token: z.string().min(GM_TOKEN_MIN_LENGTH).max(200) },
  result: gameMasterSchema,
});

export const gmList = defineCommand({
  type: 'gm.list',
  summary: 'Every game-master account, revoked ones too.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.array(gameMasterSchema),
});

export const gmRevoke = defineCommand({
  type: 'gm.revoke',
  summary: "Revokes a game master's account (owner only): its token opens nothing and its connections end.",
  scope: 'global',
  access: 'admin',
  params: { id: idSchema },
  result: gameMasterSchema,
});

/** One journaled command as the audit shows it: secrets never appear (AUTH-4, AUTH-9). */
export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  by: authorSchema,
  command: z.string(),
  session: idSchema.nullable(),
  /** The command's parameters (JSON, as journaled) without passphrases and tokens; null when redacted (PRIVACY-1, PRIVACY-2). */
  params: z.record(z.string(), z.json()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_MAX_ENTRIES = 5_000;

export const auditList = defineCommand({
  type: 'audit.list',
  summary: 'Who ran which state-changing command when, from the journal, newest last.',
  scope: 'global',
  access: 'admin',
  params: {
    session: idSchema.optional(),
    since: z.number().int().nonnegative().optional(),
    limit: z.number().int().positive().max(AUDIT_MAX_ENTRIES).optional(),
  },
  result: z.object({ entries: z.array(auditEntrySchema), more: z.boolean() }),
});

/** A journal row as the audit job reads it: the journaled input, parsed. */
export const journalRowSchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  actor: z.record(z.string(), z.unknown()),
  session: z.number().int().nullable(),
  command: z.record(z.string(), z.unknown()),
});
export type JournalRow = z.infer<typeof journalRowSchema>;

/** Internal: the audit job's rows come back to the engine, which names their authors. */
export const auditFound = defineCommand({
  type: 'audit.found',
  summary: 'The journal rows an audit asked for (sent by the runtime).',
  scope: 'global',
  access: 'internal',
  params: { rows: z.array(journalRowSchema), more: z.boolean() },
  result: auditList.result,
});
