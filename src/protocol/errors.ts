import { z } from 'zod';

/**
 * The closed table of error codes. Every error a client can receive carries one of these codes and a
 * human message, and every code here can happen (test/game/error-codes.test.ts reaches each over a real
 * connection). The first block mirrors the reference engine's error enum (PROTOCOL-4) minus the
 * variants it never raised (AmbiguousData: passphrases and names are unique, so nothing matches twice;
 * NotImplemented: every command is); the second block is this protocol's own. Missed broadcasts that are
 * no longer kept are announced by a `resync` notice, not an error.
 */
export const ERROR_CODES = {
  NO_SESSION_SUPPLIED: 'This command belongs to a game session, but the request names none.',
  SESSION_SUPPLIED: 'This command is global, but the request names a session.',
  NOT_FOUND: 'Something the request refers to does not exist.',
  TEAM_EXISTS: 'A team with a too similar name already exists.',
  ALREADY_EXISTS: 'Something with this name or key already exists.',
  GAME_IN_PROGRESS: 'Not allowed while the session has a running game.',
  GAME_NOT_RUNNING: 'This needs a running game.',
  GAME_PAUSED: 'The game is paused.',
  TEAM_IS_RUNNER: 'The team must be a catcher, but it is a runner.',
  TEAM_IS_CATCHER: 'The team must be a runner, but it is a catcher.',
  TEAM_IN_GRACE_PERIOD: 'The team is in its grace period and cannot be caught.',
  TEAMS_TOO_FAR: 'The teams are too far apart.',
  BAD_DATA: 'The request is stale or inconsistent.',
  INVALID: 'The request breaks a validity rule.',
  TEXT_ERROR: 'The server refused the request.',
  PICTURE_PROBLEM: 'The picture could not be read or processed.',
  TOO_RAPID: 'Too soon after the previous event.',
  TOO_FEW_CHALLENGES: 'The challenge catalogue is too small to deal a hand.',
  // This protocol's own codes from here on.
  CATCHER_LOCATION_MISSING: 'A catch needs the catcher’s current position: turn on location and try again.',
  CATCHER_LOCATION_STALE: 'The catcher’s position is too old: wait for a fresh GPS fix and try again.',
  TARGET_LOCATION_MISSING:
    'The caught team has sent no location: have the runners open their app, or ask the game master.',
  TARGET_LOCATION_STALE:
    'The caught team’s latest location is too old: have the runners open their app, or ask the game master.',
  PLAYER_ON_TEAM:
    'The player is on a team of their session: take them off the team first (team.assign with team null).',
  ERASE_SESSIONS_FIRST:
    'Sessions still hold something of the player: run player.forget in each session details.sessions names first.',
  MALFORMED: 'The message is not valid protocol JSON.',
  UNKNOWN_COMMAND: 'No such command.',
  TOO_LARGE: 'The message is larger than the frame limit.',
  TOO_DEEP: 'The message nests objects and arrays deeper than allowed.',
  TOO_MANY_VALUES: 'The message has more keys and array items than allowed.',
  RATE_LIMITED: 'Too many requests: wait as long as details.retryAfterMs says, then send again.',
  LOGIN_THROTTLED: 'Too many failed logins: wait as long as details.retryAfterMs says before trying again.',
  TOO_MANY_CONNECTIONS: 'Too many connections from this address; close one and reconnect.',
  HELLO_TIMEOUT: 'No hello arrived in time; the connection is closed.',
  UNAUTHORISED: 'This connection may not do that.',
  VERSION_MISMATCH: 'The client speaks another protocol version.',
  CLIENT_TOO_OLD: 'This app is older than the server accepts: update it (reload the page).',
  HELLO_REQUIRED: 'Send hello before anything else.',
  SHUTTING_DOWN: 'The server is shutting down.',
  OWNER_UNAVAILABLE: 'The game session’s server is changing; try again.',
  TOO_MANY_UPLOADS: 'This login already has as many uploads running as it may; retry when one has finished.',
  UPLOADS_BUSY: 'The server is receiving as many uploads as it takes at once; retry shortly.',
  UPLOAD_TOO_SLOW: 'The upload arrived too slowly and was cut off; send it again.',
  PICTURE_LIMIT:
    'The picture would pass a limit on stored pictures (details.limit: a period’s count, a player’s day, the disk).',
  IDS_EXHAUSTED:
    'No id can be handed out for this session any more (its id range is used up); nothing was changed.',
  INTERNAL: 'The server failed unexpectedly; nothing was changed.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const errorCodes = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** Structured detail for errors: which rule, field or entity was the problem. */
export const errorDetailsSchema = z
  .object({
    rule: z.string().optional(),
    field: z.string().optional(),
    entity: z.string().optional(),
    id: z.union([z.number(), z.string()]).optional(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string(), rule: z.string().optional() }))
      .optional(),
  })
  .catchall(z.unknown());

export const protocolErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: errorDetailsSchema.optional(),
});

export type ErrorDetails = z.infer<typeof errorDetailsSchema>;
export type ProtocolError = z.infer<typeof protocolErrorSchema>;

/** Builds an error value; the message defaults to the table's text. */
export function makeError(code: ErrorCode, message?: string, details?: ErrorDetails): ProtocolError {
  const error: ProtocolError = { code, message: message ?? ERROR_CODES[code] };
  if (details !== undefined) error.details = details;
  return error;
}
