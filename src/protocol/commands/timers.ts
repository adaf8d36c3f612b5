import { z } from 'zod';
import { defineCommand } from '../define.js';
import { idSchema } from '../entities.js';

export const announcementSchema = z.object({
  id: idSchema,
  text: z.string(),
  /** Due time, epoch ms; null while the session's game clock is paused. */
  at: z.number().nullable(),
});

export const announcementSchedule = defineCommand({
  type: 'announcement.schedule',
  summary:
    "Schedules a message to the session's clients at a time (a durable timer on the session's game clock).",
  scope: 'session',
  access: 'admin',
  params: { text: z.string().min(1).max(1000), at: z.number().int().nonnegative() },
  result: announcementSchema,
});

export const announcementCancel = defineCommand({
  type: 'announcement.cancel',
  summary: 'Cancels a scheduled announcement; it will never be sent.',
  scope: 'session',
  access: 'admin',
  params: { id: idSchema },
  result: z.object({ cancelled: z.literal(true) }),
});

export const announcementList = defineCommand({
  type: 'announcement.list',
  summary: "The session's scheduled announcements, earliest first.",
  scope: 'session',
  access: 'admin',
  params: {},
  result: z.array(announcementSchema),
});

/** Internal: a durable timer fell due. Stale or cancelled timers are ignored. */
export const timerFire = defineCommand({
  type: 'timer.fire',
  summary: 'A durable timer fell due (sent by the runtime).',
  scope: 'global',
  access: 'internal',
  params: { timer: idSchema },
  result: z.object({ fired: z.boolean() }),
});

/** Internal: the payload of an announcement timer. */
export const announcementDeliver = defineCommand({
  type: 'announcement.deliver',
  summary: 'Sends a scheduled announcement (run by its timer).',
  scope: 'session',
  access: 'internal',
  params: { text: z.string() },
  result: z.object({ delivered: z.literal(true) }),
});

export const clockPause = defineCommand({
  type: 'clock.pause',
  summary: "Pauses the session's game clock: its timers stop counting down until it resumes.",
  scope: 'session',
  access: 'admin',
  params: {},
  result: z.object({ pausedAt: z.number() }),
});

export const clockResume = defineCommand({
  type: 'clock.resume',
  summary: "Resumes the session's game clock: each paused timer falls due after the time it had left.",
  scope: 'session',
  access: 'admin',
  params: {},
  result: z.object({ pausedMs: z.number() }),
});
