import { z } from 'zod';
import { playerSchema, sessionSchema } from './entities.js';

/**
 * Broadcast events, discriminated by `type`. Each reaches the clients that may see its stream (a session,
 * or the global stream) inside a broadcast envelope that carries the stream's sequence number.
 */
export const broadcastEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pinged'), text: z.string().nullable() }),
  z.object({ type: z.literal('session.added'), session: sessionSchema }),
  z.object({ type: z.literal('player.added'), player: playerSchema }),
  z.object({ type: z.literal('announcement'), text: z.string() }),
  z.object({ type: z.literal('clock.paused'), at: z.number() }),
  z.object({ type: z.literal('clock.resumed'), at: z.number(), pausedMs: z.number() }),
]);
export type BroadcastEvent = z.infer<typeof broadcastEventSchema>;
export type BroadcastType = BroadcastEvent['type'];

/**
 * Who may see a broadcast: everyone who may see its stream, or admins only. Player connections see the
 * global stream and their own session's stream (D7); admins see everything.
 */
export const AUDIENCES = ['all', 'admins'] as const;
export type Audience = (typeof AUDIENCES)[number];
