import { z } from 'zod';
import {
  challengeInputSchema,
  challengeSchema,
  challengeSetSchema,
  CHALLENGE_KINDS,
  CHALLENGE_STATUSES,
  sectorSchema,
  zoneInputSchema,
  zoneSchema,
} from '../catalogue.js';
import { defineCommand } from '../define.js';
import { idSchema } from '../entities.js';
import { partialGameConfigSchema } from '../game-config.js';
import { generationResultSchema } from '../generation.js';

/**
 * Catalogue commands (global, game masters only). Deleting a set, zone or sector that a challenge, zone
 * or session config still refers to is refused (INVALID, rule `in-use`); a sector's neighbour links are
 * removed with it. Challenges can always be deleted: hands already dealt keep their texts and points.
 */
const deleted = z.object({ deleted: z.number().int() });
const byId = { id: idSchema };

export const setAdd = defineCommand({
  type: 'set.add',
  summary: 'Creates a challenge set (names unique).',
  scope: 'global',
  access: 'admin',
  params: { name: z.string().max(100) },
  result: challengeSetSchema,
});
export const setEdit = defineCommand({
  type: 'set.edit',
  summary: 'Renames a challenge set.',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema, name: z.string().max(100) },
  result: challengeSetSchema,
});
export const setList = defineCommand({
  type: 'set.list',
  summary: 'Every challenge set.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.array(challengeSetSchema),
});
export const setGet = defineCommand({
  type: 'set.get',
  summary: 'One challenge set.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: challengeSetSchema,
});
export const setDelete = defineCommand({
  type: 'set.delete',
  summary: 'Deletes a challenge set that nothing refers to.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: deleted,
});
export const setDeleteAll = defineCommand({
  type: 'set.deleteAll',
  summary: 'Deletes every challenge set (refused while any is referred to).',
  scope: 'global',
  access: 'admin',
  params: {},
  result: deleted,
});

export const challengeAdd = defineCommand({
  type: 'challenge.add',
  summary: 'Adds a catalogue challenge, validated by every catalogue rule.',
  scope: 'global',
  access: 'admin',
  params: { challenge: challengeInputSchema },
  result: challengeSchema,
});
export const challengeEdit = defineCommand({
  type: 'challenge.edit',
  summary: 'Changes fields of a challenge; the result is validated as a whole.',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema, changes: challengeInputSchema.partial() },
  result: challengeSchema,
});
export const challengeList = defineCommand({
  type: 'challenge.list',
  summary: 'Catalogue challenges, optionally filtered by status, kind or set.',
  scope: 'global',
  access: 'admin',
  params: {
    status: z.enum(CHALLENGE_STATUSES).optional(),
    kind: z.enum(CHALLENGE_KINDS).optional(),
    set: idSchema.optional(),
  },
  result: z.array(challengeSchema),
});
export const challengeGet = defineCommand({
  type: 'challenge.get',
  summary: 'One catalogue challenge.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: challengeSchema,
});
export const challengeDelete = defineCommand({
  type: 'challenge.delete',
  summary: 'Deletes a catalogue challenge.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: deleted,
});
export const challengeDeleteAll = defineCommand({
  type: 'challenge.deleteAll',
  summary: 'Deletes every catalogue challenge.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: deleted,
});

export const zoneAdd = defineCommand({
  type: 'zone.add',
  summary: 'Adds a zone (zone numbers unique).',
  scope: 'global',
  access: 'admin',
  params: { zone: zoneInputSchema },
  result: zoneSchema,
});
export const zoneEdit = defineCommand({
  type: 'zone.edit',
  summary: 'Changes fields of a zone.',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema, changes: zoneInputSchema.partial() },
  result: zoneSchema,
});
export const zoneList = defineCommand({
  type: 'zone.list',
  summary: 'Every zone.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.array(zoneSchema),
});
export const zoneGet = defineCommand({
  type: 'zone.get',
  summary: 'One zone.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: zoneSchema,
});
export const zoneDelete = defineCommand({
  type: 'zone.delete',
  summary: 'Deletes a zone that no challenge or session refers to (travel minutes to it go with it).',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: deleted,
});
export const zoneDeleteAll = defineCommand({
  type: 'zone.deleteAll',
  summary: 'Deletes every zone (refused while a challenge refers to one).',
  scope: 'global',
  access: 'admin',
  params: {},
  result: deleted,
});
export const zoneSetMinutes = defineCommand({
  type: 'zone.setMinutes',
  summary: 'Sets the travel minutes from one zone to another (directed; `both` sets the way back too).',
  scope: 'global',
  access: 'admin',
  params: { from: idSchema, to: idSchema, minutes: z.number(), both: z.boolean().optional() },
  result: z.array(zoneSchema),
});
export const zoneSetCloseSectors = defineCommand({
  type: 'zone.setCloseSectors',
  summary: "Replaces a zone's close sectors.",
  scope: 'global',
  access: 'admin',
  params: { id: idSchema, sectors: z.array(idSchema).max(100) },
  result: zoneSchema,
});

export const sectorAdd = defineCommand({
  type: 'sector.add',
  summary: 'Adds a sector (a single character, unique).',
  scope: 'global',
  access: 'admin',
  params: { name: z.string().max(10) },
  result: sectorSchema,
});
export const sectorList = defineCommand({
  type: 'sector.list',
  summary: 'Every sector.',
  scope: 'global',
  access: 'admin',
  params: {},
  result: z.array(sectorSchema),
});
export const sectorGet = defineCommand({
  type: 'sector.get',
  summary: 'One sector.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: sectorSchema,
});
export const sectorDelete = defineCommand({
  type: 'sector.delete',
  summary: 'Deletes a sector no challenge or zone refers to; its neighbour links go with it.',
  scope: 'global',
  access: 'admin',
  params: byId,
  result: deleted,
});
export const sectorDeleteAll = defineCommand({
  type: 'sector.deleteAll',
  summary: 'Deletes every sector (refused while a challenge or zone refers to one).',
  scope: 'global',
  access: 'admin',
  params: {},
  result: deleted,
});
export const sectorLink = defineCommand({
  type: 'sector.link',
  summary: 'Makes two sectors neighbours (symmetric); `unlink` removes the link.',
  scope: 'global',
  access: 'admin',
  params: { a: idSchema, b: idSchema, unlink: z.boolean().optional() },
  result: z.array(sectorSchema),
});

export const challengePreview = defineCommand({
  type: 'challenge.preview',
  summary:
    'The hand a team would be dealt (zone, sector, time, weekday, score gap, config, seed), with every term of each points calculation.',
  scope: 'global',
  access: 'admin',
  params: {
    zone: idSchema,
    sector: idSchema.optional(),
    at: z.number().int(),
    timeZone: z.string().max(64).optional(),
    points: z.number().int().nonnegative().optional(),
    topScore: z.number().int().nonnegative().optional(),
    completed: z.array(idSchema).max(1000).optional(),
    seen: z.array(idSchema).max(1000).optional(),
    config: partialGameConfigSchema.optional(),
    seed: z.number().int(),
  },
  result: generationResultSchema,
});
