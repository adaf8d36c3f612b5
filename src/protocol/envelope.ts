import { z } from 'zod';
import { broadcastEventSchema } from './broadcasts.js';
import { idSchema } from './entities.js';
import { protocolErrorSchema } from './errors.js';
import { ENVELOPE_TEXT_LIMITS as LIMITS, MAX_RESUME_STREAMS } from './version.js';

/** A request id is chosen by the client; responses carry it back (PROTOCOL-2). */
export const requestIdSchema = z.string().min(LIMITS.requestId.min).max(LIMITS.requestId.max);

/** A broadcast stream: `global`, or a session id written as a decimal string. */
export const streamKeySchema = z.string().regex(/^(global|[1-9][0-9]*)$/);
export type StreamKey = z.infer<typeof streamKeySchema>;

/**
 * What a connection is (AUTH-1), decided in the hello: `admin` (the local socket, or the admin token),
 * `player` (a player token from `auth.login`) or `guest` (a WebSocket hello without a token: it may only
 * use `public` commands, i.e. log in and ping, and receives no broadcasts).
 */
export const ROLES = ['admin', 'player', 'guest'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** A release version: `MAJOR.MINOR.PATCH`, optionally with a pre-release and build suffix. */
export const versionSchema = z
  .string()
  .max(64)
  .regex(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);

/**
 * Which client program says hello (PROTOCOL-7): a name for logs, and the truinlag version it was built
 * from, which the server compares with the oldest version it accepts.
 */
export const appSchema = z.strictObject({
  name: z.string().min(LIMITS.appName.min).max(LIMITS.appName.max),
  version: versionSchema,
});
export type App = z.infer<typeof appSchema>;

/** The first message on every connection. */
export const helloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.number().int(),
  /** A stable id the client keeps across reconnects; request ids are unique per client (IDEMPOTENCY-2). */
  client: z.string().min(LIMITS.clientId.min).max(LIMITS.clientId.max).optional(),
  /** An admin or player token. The local socket is admin without one. */
  token: z.string().min(LIMITS.token.min).max(LIMITS.token.max).optional(),
  /** Resume: for each stream, the last sequence number the client has (RESUME-2). */
  since: z
    .record(streamKeySchema, z.number().int().nonnegative())
    .refine((positions) => Object.keys(positions).length <= MAX_RESUME_STREAMS, {
      message: `at most ${MAX_RESUME_STREAMS} streams`,
    })
    .optional(),
  /**
   * False makes a command-only connection (a script, a CLI call, an import): it is sent no broadcasts,
   * live or resumed, which saves the server and the client the fan-out. Default true.
   */
  broadcasts: z.boolean().optional(),
  /** The client program and its version; one older than the server accepts is refused (PROTOCOL-7). */
  app: appSchema.optional(),
});

export const requestSchema = z.strictObject({
  type: z.literal('request'),
  id: requestIdSchema,
  session: idSchema.optional(),
  command: z.looseObject({ type: z.string() }),
});

export const clientMessageSchema = z.discriminatedUnion('type', [helloSchema, requestSchema]);
export type Hello = z.infer<typeof helloSchema>;
export type RequestEnvelope = z.infer<typeof requestSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  protocol: z.number().int(),
  role: roleSchema,
  connection: z.string(),
  /** The player this connection acts as, for player connections. */
  player: idSchema.nullable(),
  /** That player's session (null for admins, guests and players in no session). */
  session: idSchema.nullable(),
  /** The game master's account name for a game master's connection (AUTH-7); null for the owner and others. */
  gameMaster: z.string().nullable(),
  serverTime: z.number(),
  /** The oldest client version this server accepts (PROTOCOL-7): an older app should update itself. */
  minClientVersion: versionSchema,
  /**
   * The last sequence number of every stream this connection may see (0 before its first broadcast).
   * A client that starts fresh resumes from these after a reconnect (RESUME-2).
   */
  seq: z.record(streamKeySchema, z.number().int().nonnegative()),
});

export const responseSchema = z.union([
  z.object({ type: z.literal('response'), id: requestIdSchema, ok: z.literal(true), result: z.unknown() }),
  z.object({
    type: z.literal('response'),
    id: requestIdSchema,
    ok: z.literal(false),
    error: protocolErrorSchema,
  }),
]);

export const broadcastSchema = z.object({
  type: z.literal('broadcast'),
  /** The session this broadcast belongs to, or null for the global stream. */
  session: idSchema.nullable(),
  /** Gap-free per stream, starting at 1. */
  seq: z.number().int().positive(),
  /** Server time of the change, epoch ms. */
  at: z.number(),
  event: broadcastEventSchema,
});

/** A connection-level error: the message could not be tied to a request (or the connection is refused). */
export const connectionErrorSchema = z.object({
  type: z.literal('error'),
  id: requestIdSchema.nullable(),
  error: protocolErrorSchema,
});

export const NOTICES = ['shutdown', 'resync', 'connections'] as const;
export const noticeSchema = z.object({
  type: z.literal('notice'),
  notice: z.enum(NOTICES),
  message: z.string(),
  /** For `resync`: the stream whose missed broadcasts are gone; take a snapshot and continue from it. */
  stream: streamKeySchema.optional(),
  /** For `connections` (admins only, OPS-4): the connection board's version now; `admin.connections` reads it. */
  version: z.number().int().nonnegative().optional(),
});

export const serverMessageSchema = z.union([
  welcomeSchema,
  responseSchema,
  broadcastSchema,
  connectionErrorSchema,
  noticeSchema,
]);
export type Welcome = z.infer<typeof welcomeSchema>;
export type ResponseMessage = z.infer<typeof responseSchema>;
export type BroadcastMessage = z.infer<typeof broadcastSchema>;
export type ConnectionErrorMessage = z.infer<typeof connectionErrorSchema>;
export type Notice = z.infer<typeof noticeSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
