import { z } from 'zod';
import { defineCommand } from '../define.js';
import { idSchema, modeSchema, nameSchema, playerSchema, sessionSchema } from '../entities.js';
import {
  colourSchema,
  eventSchema,
  gameSchema,
  lastGameSchema,
  sessionGameSchema,
  locationInputSchema,
  pastGameInfoSchema,
  pastGameSchema,
  teamRoleSchema,
  teamSchema,
  trackPointSchema,
} from '../game.js';
import { gameConfigSchema, partialGameConfigSchema } from '../game-config.js';
import { passphraseSchema } from './core.js';

/** Game commands (their rules: docs/rules.md). */
const periodResult = z.object({ period: z.number().int(), team: teamSchema });

export const playerEdit = defineCommand({
  type: 'player.edit',
  summary:
    "Changes a player's name, passphrase (unique), phone or session (not while on a team: `PLAYER_ON_TEAM`).",
  scope: 'global',
  access: 'admin',
  params: {
    id: idSchema,
    name: nameSchema.optional(),
    passphrase: passphraseSchema.optional(),
    phone: z.string().max(40).nullable().optional(),
    session: idSchema.nullable().optional(),
  },
  result: playerSchema,
});
export const playerRemove = defineCommand({
  type: 'player.remove',
  summary:
    'Removes a player (not while on a team: `PLAYER_ON_TEAM`): no session, and nobody can log in as them ' +
    '(their history stays).',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema },
  result: playerSchema,
});
export const playerGet = defineCommand({
  type: 'player.get',
  summary: 'One player.',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema },
  result: playerSchema,
});

export const sessionEdit = defineCommand({
  type: 'session.edit',
  summary: "Changes a session's name, mode or time zone (locked while a game runs).",
  scope: 'session',
  access: 'admin',
  params: {
    name: nameSchema.optional(),
    mode: modeSchema.optional(),
    timeZone: z.string().max(64).optional(),
  },
  result: sessionSchema,
});
/**
 * Internal: what a global step announces on a session's stream (a new name, a player's new profile
 * picture), run in the session's part, which numbers that stream (CLUSTER-22). The event is the one the
 * global step made, as it made it.
 */
export const sessionAnnounce = defineCommand({
  type: 'session.announce',
  summary:
    "Announces a change of a session's entry or of a player on the session's stream (sent by the engine).",
  scope: 'session',
  access: 'internal',
  params: {
    event: z.discriminatedUnion('type', [
      z.object({ type: z.literal('session.changed'), session: sessionSchema }),
      z.object({ type: z.literal('player.changed'), player: playerSchema }),
    ]),
  },
  result: z.object({ announced: z.literal(true) }),
});
export const sessionState = defineCommand({
  type: 'session.state',
  summary: "The session's game state: its game, teams, players and events, and where its broadcasts stand.",
  scope: 'session',
  access: 'player',
  params: {},
  result: z.object({
    session: sessionSchema,
    game: sessionGameSchema.nullable(),
    /** Admins only, while no game runs: the course of the session's last ended game, if any. */
    lastGame: lastGameSchema.nullable().optional(),
    teams: z.array(teamSchema),
    players: z.array(playerSchema),
    events: z.array(eventSchema),
    seq: z.record(z.string(), z.number().int().nonnegative()),
  }),
});

export const teamAdd = defineCommand({
  type: 'team.add',
  summary:
    'Adds a team (names must not be too similar to another team’s; colour from the palette by default).',
  scope: 'session',
  access: 'admin',
  params: { name: nameSchema, colour: colourSchema.optional() },
  result: teamSchema,
});
export const teamRename = defineCommand({
  type: 'team.rename',
  summary: 'Renames a team (players may rename their own team; locked while a game runs).',
  scope: 'session',
  access: 'player',
  params: { team: idSchema, name: nameSchema },
  result: teamSchema,
});
export const teamRemove = defineCommand({
  type: 'team.remove',
  summary: 'Removes a team (locked while a game runs); its players leave it.',
  scope: 'session',
  access: 'admin',
  params: { team: idSchema },
  result: z.object({ removed: idSchema }),
});
export const teamList = defineCommand({
  type: 'team.list',
  summary: "The session's teams.",
  scope: 'session',
  access: 'player',
  params: {},
  result: z.array(teamSchema),
});
export const teamAssign = defineCommand({
  type: 'team.assign',
  summary:
    'Puts a player of the session into a team (out of any other), or out of every team with `team: null`.',
  scope: 'session',
  access: 'admin',
  params: { player: idSchema, team: idSchema.nullable() },
  result: playerSchema,
});
export const teamSetRole = defineCommand({
  type: 'team.setRole',
  summary: "A game master's role override: flips the role only (no points, hand or grace change).",
  scope: 'session',
  access: 'admin',
  params: { team: idSchema, role: teamRoleSchema },
  result: teamSchema,
});

const configView = z.object({ effective: gameConfigSchema, overrides: partialGameConfigSchema });
export const configGet = defineCommand({
  type: 'config.get',
  summary: "The session's effective config and its overrides.",
  scope: 'session',
  access: 'player',
  params: {},
  result: configView,
});
export const configSet = defineCommand({
  type: 'config.set',
  summary: 'Overrides config fields (validated; refused while a game runs unless `override` is set).',
  scope: 'session',
  access: 'admin',
  params: { changes: partialGameConfigSchema, override: z.boolean().optional() },
  result: configView,
});
export const configReset = defineCommand({
  type: 'config.reset',
  summary: 'Resets config fields to their defaults (all fields when none are named).',
  scope: 'session',
  access: 'admin',
  params: { fields: z.array(z.string().max(60)).max(100).optional(), override: z.boolean().optional() },
  result: configView,
});

export const gameStart = defineCommand({
  type: 'game.start',
  summary:
    'Starts a game: catchers drawn, runners dealt hands, end alarm at the end time in the session’s zone.',
  scope: 'session',
  access: 'admin',
  params: {},
  result: z.object({ game: gameSchema, teams: z.array(teamSchema) }),
});
export const gameStop = defineCommand({
  type: 'game.stop',
  summary: 'Stops the running game and archives it as a past game.',
  scope: 'session',
  access: 'admin',
  params: {},
  result: z.object({ pastGame: idSchema }),
});
export const gameEnd = defineCommand({
  type: 'game.end',
  summary:
    'The end alarm of a game (run by its timer; ignored for any other game than the one it was set for).',
  scope: 'session',
  access: 'internal',
  params: { game: z.number().int() },
  result: z.object({ pastGame: idSchema.nullable() }),
});

export const catchTeam = defineCommand({
  type: 'catch',
  summary:
    'A catcher reports catching a runner (not in grace, ≤ 300 m apart by fresh positions): a player sends ' +
    'its current position; a game master may override the position check.',
  scope: 'session',
  access: 'player',
  params: {
    catcher: idSchema,
    caught: idSchema,
    periodId: z.number().int().nonnegative(),
    /** The catcher's current position; required from a player connection (CATCH-6). */
    position: locationInputSchema.optional(),
    /** A game master's catch without the position check, journaled with the command (CATCH-6). */
    override: z.boolean().optional(),
  },
  result: periodResult,
});
export const complete = defineCommand({
  type: 'complete',
  summary: 'A runner reports completing one of its offered challenges (by catalogue id).',
  scope: 'session',
  access: 'player',
  params: { team: idSchema, challenge: idSchema, periodId: z.number().int().nonnegative() },
  result: periodResult,
});
export const graceEnd = defineCommand({
  type: 'grace.end',
  summary: "A team's grace period ran out (run by its timer).",
  scope: 'session',
  access: 'internal',
  params: { team: idSchema },
  result: z.object({ ended: z.boolean() }),
});

/**
 * Which intake rule did not take a position: no game is running, the player's previous coordinates
 * again, not newer than the player's last recorded report, older than the team's position, or less
 * precise than the team's position and not old enough to replace it.
 */
export const locationRefusalSchema = z.enum([
  'no-game',
  'same-position',
  'not-newer',
  'older',
  'less-precise',
]);
export type LocationRefusal = z.infer<typeof locationRefusalSchema>;

export const locationSend = defineCommand({
  type: 'location.send',
  summary: "A player's position (players send their own; admins name the player).",
  scope: 'session',
  access: 'player',
  params: { location: locationInputSchema, player: idSchema.optional() },
  result: z.discriminatedUnion('accepted', [
    z.object({ accepted: z.literal(true) }),
    z.object({ accepted: z.literal(false), reason: locationRefusalSchema }),
  ]),
});
export const locationList = defineCommand({
  type: 'location.list',
  summary: "Teams' trails (all teams, or one), optionally only since a time.",
  scope: 'session',
  access: 'player',
  params: { team: idSchema.optional(), since: z.number().int().optional() },
  result: z.array(z.object({ team: idSchema, track: z.array(trackPointSchema) })),
});
export const eventList = defineCommand({
  type: 'event.list',
  summary: "The session's completions and catches, oldest first.",
  scope: 'session',
  access: 'player',
  params: {},
  result: z.array(eventSchema),
});

const correctionParams = { team: idSchema, reason: z.string().max(500).optional() };
export const correctionUndo = defineCommand({
  type: 'correction.undo',
  summary: "Undoes a team's last catch or completion (restoring points, bounty, roles, hands and grace).",
  scope: 'session',
  access: 'admin',
  params: correctionParams,
  result: z.object({ teams: z.array(teamSchema) }),
});
export const correctionAdjust = defineCommand({
  type: 'correction.adjust',
  summary: "Adds to (or takes from) a team's points and bounty, with a reason.",
  scope: 'session',
  access: 'admin',
  params: { ...correctionParams, points: z.number().int().optional(), bounty: z.number().int().optional() },
  result: teamSchema,
});
export const correctionEndGrace = defineCommand({
  type: 'correction.endGrace',
  summary: "Ends a team's grace period now.",
  scope: 'session',
  access: 'admin',
  params: correctionParams,
  result: teamSchema,
});
export const correctionNewHand = defineCommand({
  type: 'correction.newHand',
  summary: 'Deals a runner team a new hand.',
  scope: 'session',
  access: 'admin',
  params: correctionParams,
  result: teamSchema,
});
export const correctionMove = defineCommand({
  type: 'correction.move',
  summary: 'Moves a team to a zone (and sector) for generation purposes.',
  scope: 'session',
  access: 'admin',
  params: { ...correctionParams, zone: idSchema, sector: idSchema.nullable().optional() },
  result: teamSchema,
});

export const pastGameList = defineCommand({
  type: 'pastGame.list',
  summary: 'Archived games, optionally only those a player took part in.',
  scope: 'global',
  access: 'admin',
  params: { player: idSchema.optional() },
  result: z.array(pastGameInfoSchema),
});
export const pastGameGet = defineCommand({
  type: 'pastGame.get',
  summary: 'One archived game with its teams, trails and events.',
  scope: 'global',
  access: 'admin',
  params: { id: idSchema },
  result: pastGameSchema,
});
