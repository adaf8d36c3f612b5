import { z } from 'zod';
import { authorSchema } from './authors.js';
import { catchRefusalSchema } from './catch-refusals.js';
import { idSchema, playerSchema, sessionSchema } from './entities.js';
import { gameSchema, locationSchema, teamSchema } from './game.js';
import { offerSchema } from './generation.js';
import { partialGameConfigSchema } from './game-config.js';

/** The catalogue's tables, as `catalogue.changed` names them. */
export const catalogueKindSchema = z.enum(['challenge', 'set', 'zone', 'sector']);
export type CatalogueKind = z.infer<typeof catalogueKindSchema>;

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
  z.object({ type: z.literal('session.changed'), session: sessionSchema }),
  z.object({ type: z.literal('player.changed'), player: playerSchema }),
  /** A team was added or changed (locations travel only in `location` broadcasts: `team.location` is null here). */
  z.object({ type: z.literal('team.changed'), team: teamSchema }),
  z.object({ type: z.literal('team.removed'), team: idSchema }),
  z.object({ type: z.literal('config.changed'), overrides: partialGameConfigSchema }),
  /** `by`: who started it (AUTH-7). */
  z.object({
    type: z.literal('game.started'),
    game: gameSchema,
    teams: z.array(teamSchema),
    by: authorSchema,
  }),
  /** `by`: who stopped it, or the engine when its end alarm did (AUTH-7). */
  z.object({
    type: z.literal('game.ended'),
    game: gameSchema,
    pastGame: idSchema,
    reason: z.enum(['stopped', 'time']),
    by: authorSchema,
  }),
  /** After the catch (CATCH-5): both teams as they are now, and the bounty that changed hands. */
  z.object({
    type: z.literal('caught'),
    catcher: teamSchema,
    caught: teamSchema,
    bounty: z.number().int(),
    catcherPeriod: z.number().int(),
    caughtPeriod: z.number().int(),
  }),
  z.object({ type: z.literal('completed'), team: teamSchema, offer: offerSchema, period: z.number().int() }),
  z.object({ type: z.literal('location'), team: idSchema, location: locationSchema }),
  z.object({ type: z.literal('grace.ended'), team: idSchema }),
  z.object({
    type: z.literal('correction'),
    kind: z.enum(['undo', 'adjust', 'endGrace', 'newHand', 'move']),
    team: idSchema,
    reason: z.string().nullable(),
    /** The game master who made it (AUTH-7). */
    by: authorSchema,
  }),
  /** A catch the evidence check refused (CATCH-7); for admins only. */
  z.object({ type: z.literal('catch.refused'), refusal: catchRefusalSchema }),
  /** A catalogue command changed a table of this kind (CATALOGUE-12); for admins only, on the global stream. */
  z.object({ type: z.literal('catalogue.changed'), kind: catalogueKindSchema }),
]);
export type BroadcastEvent = z.infer<typeof broadcastEventSchema>;
export type BroadcastType = BroadcastEvent['type'];

/**
 * Who may see a broadcast: everyone who may see its stream, admins only, or everyone but the players of
 * some teams (a team in grace is invisible to the catchers, VISIBILITY-3). Player connections see the global
 * stream and their own session's stream (VISIBILITY-1); admins see everything.
 */
export type Audience = 'all' | 'admins' | { readonly exceptTeams: readonly number[] };
