import { z } from 'zod';
import { TEAM_ROLES } from './vocabulary.js';
import { authorSchema, correctionRecordSchema } from './authors.js';
import { idSchema } from './entities.js';
import { offerSchema } from './generation.js';

/** Wire shapes of the game. Times are epoch ms (TIME-1). */
export { TEAM_ROLES } from './vocabulary.js';
export const teamRoleSchema = z.enum(TEAM_ROLES);

export const colourSchema = z.strictObject({
  r: z.number().int().min(0).max(255),
  g: z.number().int().min(0).max(255),
  b: z.number().int().min(0).max(255),
});

/** `value` rounded to `decimals` decimal places. */
const roundedTo =
  (decimals: number) =>
  (value: number): number => {
    const scale = 10 ** decimals;
    return Math.round(value * scale) / scale;
  };

/**
 * What a phone sends (LOCATION-1). `timestamp` is the phone's clock, epoch ms. Validation rounds the
 * coordinates to 7 decimals (about 1 cm) and accuracy, heading and speed to 1 (LOCATION-7): no phone
 * measures finer, and every copy of a position (journal, state, broadcasts, answers) is the short one.
 */
export const locationInputSchema = z.strictObject({
  lat: z.number().min(-90).max(90).overwrite(roundedTo(7)),
  lon: z.number().min(-180).max(180).overwrite(roundedTo(7)),
  accuracy: z.number().min(0).max(100_000).overwrite(roundedTo(1)),
  heading: z.number().min(-360).max(360).overwrite(roundedTo(1)).nullable(),
  speed: z.number().min(0).max(1000).overwrite(roundedTo(1)).nullable(),
  timestamp: z.number().int().nonnegative(),
});
export const locationSchema = locationInputSchema.extend({ receivedAt: z.number() });
export const trackPointSchema = z.object({ lat: z.number(), lon: z.number(), timestamp: z.number() });

export const periodContextSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('completed'),
    challengeId: idSchema,
    title: z.string(),
    description: z.string(),
    zoneId: idSchema.nullable(),
    points: z.number().int(),
    notCompleted: z.array(offerSchema),
  }),
  z.object({
    type: z.literal('caught'),
    catcherTeam: idSchema,
    bounty: z.number().int(),
    notCompleted: z.array(offerSchema),
    catcherPeriod: z.number().int(),
  }),
  z.object({
    type: z.literal('catcher'),
    caughtTeam: idSchema,
    bounty: z.number().int(),
    caughtPeriod: z.number().int(),
  }),
]);

export const periodSchema = z.object({
  index: z.number().int(),
  context: periodContextSchema,
  endedAt: z.number(),
  location: trackPointSchema.nullable(),
  pictures: z.array(idSchema),
});

export const teamSchema = z
  .object({
    id: idSchema,
    session: idSchema,
    name: z.string(),
    colour: colourSchema,
    players: z.array(idSchema),
    role: teamRoleSchema,
    points: z.number().int(),
    bounty: z.number().int(),
    zoneId: idSchema.nullable(),
    sectorId: idSchema.nullable(),
    /** Null when unknown — or hidden from catchers while the team is in its grace period (GRACE-2). */
    location: locationSchema.nullable(),
    offers: z.array(offerSchema),
    periods: z.array(periodSchema),
    /** The period id a catch or completion must name: the number of periods so far. */
    periodId: z.number().int(),
    graceUntil: z.number().nullable(),
    picture: idSchema.nullable(),
  })
  .meta({ id: 'Team' });

export const gameSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  startedAt: z.number(),
  endsAt: z.number(),
  pausedAt: z.number().nullable(),
});

/**
 * The running game as `session.state` shows it: admins also see who started it and its corrections with
 * their authors (AUTH-7), so the dashboard names them after a reload too; players and guests never do.
 */
export const sessionGameSchema = gameSchema.extend({
  startedBy: authorSchema.optional(),
  corrections: z.array(correctionRecordSchema).optional(),
});

/**
 * The course of the session's last ended game, as `session.state` shows it to admins while no game runs
 * (AUTH-7): the teams keep that game's standings until the next start, and the dashboard's feed names who
 * started it, who corrected and who ended it (the engine when its end alarm did).
 */
export const lastGameSchema = z.object({
  id: idSchema,
  startedAt: z.number(),
  endedAt: z.number(),
  startedBy: authorSchema,
  endedBy: authorSchema,
  corrections: z.array(correctionRecordSchema),
});

export const eventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('completed'),
    team: idSchema,
    period: z.number().int(),
    at: z.number(),
    challengeId: idSchema,
    title: z.string(),
    points: z.number().int(),
    location: trackPointSchema.nullable(),
    pictures: z.array(idSchema),
    notCompleted: z.array(offerSchema),
  }),
  z.object({
    type: z.literal('caught'),
    team: idSchema,
    catcher: idSchema,
    period: z.number().int(),
    at: z.number(),
    bounty: z.number().int(),
    location: trackPointSchema.nullable(),
    pictures: z.array(idSchema),
    notCompleted: z.array(offerSchema),
  }),
]);

export const pastGameInfoSchema = z.object({
  id: idSchema,
  session: idSchema,
  name: z.string(),
  startedAt: z.number(),
  endedAt: z.number(),
});
export const pastGameSchema = pastGameInfoSchema.extend({
  mode: z.string(),
  /** Who started and who ended the game (the engine when its end alarm did), AUTH-7. */
  startedBy: authorSchema,
  endedBy: authorSchema,
  /** Every correction made during the game, oldest first, with its author (AUTH-7). */
  corrections: z.array(correctionRecordSchema),
  /** When its tracks and pictures were deleted after the retention period (PRIVACY-1), or null. */
  expiredAt: z.number().nullable(),
  teams: z.array(teamSchema.extend({ track: z.array(trackPointSchema) })),
  events: z.array(eventSchema),
});
