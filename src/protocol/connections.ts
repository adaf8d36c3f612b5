import { z } from 'zod';
import { idSchema } from './entities.js';
import { appSchema, roleSchema } from './envelope.js';

/** One open connection as the runtime sees it (OPS-3): never its token or what it sent. */
export const connectionSchema = z
  .object({
    id: z.string(),
    transport: z.enum(['ws', 'unix']),
    /**
     * In a cluster, the node the connection reached (its socket is there). With a single lease
     * (`--ownership engine`) the owner's board names it on relayed connections only, absent on its own;
     * with per-session ownership (`--ownership parts`) every node serves its own clients and every row of
     * the merged board names its node (CLUSTER-24). Absent on the embedded server.
     */
    via: z.string().optional(),
    /** `none` until its hello was accepted. */
    role: z.union([roleSchema, z.literal('none')]),
    /** The player it is logged in as, or null. */
    player: idSchema.nullable(),
    /** The game-master account it is logged in with, or null (the owner, a player, a guest). */
    gameMaster: idSchema.nullable(),
    /** The app its hello named, or null. */
    app: appSchema.nullable(),
    openedAt: z.number(),
    /** When its last frame arrived (its opening before any). */
    lastSeenAt: z.number(),
    /** Bytes waiting in its outbound queue. */
    queuedBytes: z.number().int().nonnegative(),
  })
  .meta({ id: 'Connection' });
export type ConnectionStatus = z.infer<typeof connectionSchema>;

/** Why a connection ended (OPS-3), from the close code the server used or the client's close. */
export const CONNECTION_END_REASONS = [
  'slow-consumer',
  'rate-limit',
  'hello-deadline',
  'version',
  'unauthorised',
  'dead',
  'shutdown',
  /** A relayed connection whose frames may have been lost on the way through the cluster (CLUSTER-10). */
  'relay-lost',
  'closed-by-client',
  'other',
] as const;

export type ConnectionEndReason = (typeof CONNECTION_END_REASONS)[number];

/** A connection that ended, as it was when it ended, with who ended it and why. */
export const endedConnectionSchema = connectionSchema
  .extend({
    endedAt: z.number(),
    by: z.enum(['server', 'client']),
    reason: z.enum(CONNECTION_END_REASONS),
    /** The WebSocket close code (0 where the transport has none) and the server's words for it. */
    code: z.number().int(),
    text: z.string(),
  })
  .meta({ id: 'EndedConnection' });
export type EndedConnection = z.infer<typeof endedConnectionSchema>;
