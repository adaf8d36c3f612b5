import { z } from 'zod';
import { catchRefusalReasonSchema, catchRefusalSchema } from '../catch-refusals.js';
import { connectionSchema, endedConnectionSchema } from '../connections.js';
import { defineCommand } from '../define.js';
import { idSchema } from '../entities.js';

/** What the game masters oversee beside the game: refused catches (CATCH-7) and connections (OPS-3). */

export const catchRefused = defineCommand({
  type: 'catch.refused',
  summary: 'Puts a catch the evidence check refused on record for the game masters (sent by the engine).',
  scope: 'session',
  access: 'internal',
  params: {
    catcher: idSchema,
    caught: idSchema,
    by: idSchema.nullable(),
    reason: catchRefusalReasonSchema,
    maxAgeMinutes: z.number(),
  },
  result: catchRefusalSchema,
});

export const catchRefusals = defineCommand({
  type: 'catch.refusals',
  summary:
    'The catches of the running game the evidence check refused and no later catch settled, oldest first.',
  scope: 'session',
  access: 'admin',
  params: {},
  result: z.array(catchRefusalSchema),
});

/** Commands the runtime answers itself, from what it knows beside the engine's state. */
export const RUNTIME_COMMAND_TYPES = ['admin.connections'] as const;
export type RuntimeCommandType = (typeof RUNTIME_COMMAND_TYPES)[number];

export const adminConnections = defineCommand({
  type: 'admin.connections',
  summary:
    'Who is connected (role, player, transport, app, last seen, outbound queue) and the latest connections ' +
    'that ended, with why; answered by the runtime.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.object({
    /** The board's version: it counts openings, hellos and endings; `connections` notices carry it (OPS-4). */
    version: z.number().int().nonnegative(),
    connections: z.array(connectionSchema),
    /** The most recent ended connections, newest first (a bounded ring). */
    ended: z.array(endedConnectionSchema),
  }),
});
