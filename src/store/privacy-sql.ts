import type { Redaction } from '../engine/state.js';
import { SESSION_COMMANDS } from '../protocol/session-commands.js';
import { streamOf } from '../runtime/audience.js';
import { ACTOR_PLAYER_SQL, NOW_SQL } from './journal-input.js';

/** One SQL statement with its parameters, run by the commit writer inside a commit's transaction. */
export type Statement = readonly [sql: string, params: Readonly<Record<string, string | number | null>>];

/** A journal row's command reduced to its type: what the audit shows of a redacted row (AUTH-9). */
const REDACTED_COMMAND = `json_set(input, '$.command', json_object('type', json_extract(input, '$.command.type'), 'redacted', json('true')))`;

/**
 * Journal rows about a player: those the runtime tagged with the player among their `subjects`
 * (src/runtime/journal-entry.ts), those acting as the player (whose `subjects` a row leaves out when
 * they are just the actor: journal-input.ts), and, for rows journaled before tags existed, those naming
 * them (a `player.add` by the name it had). The erase itself stays: it is the checkpoint
 * replay starts after, and so does each `player.forget` before it.
 */
const ABOUT_PLAYER = `(
  EXISTS (SELECT 1 FROM json_each(input, '$.subjects') WHERE value = @player)
  OR ${ACTOR_PLAYER_SQL} = @player
  OR json_extract(input, '$.command.player') = @player
  OR (json_extract(input, '$.command.type') IN ('player.edit', 'player.remove') AND json_extract(input, '$.command.id') = @player)
  OR (json_extract(input, '$.command.type') = 'player.add' AND json_extract(input, '$.command.name') = @name)
) AND json_extract(input, '$.command.type') NOT IN ('player.erase', 'player.forget')`;

/** The session commands: a journal row of one that names a session is that session's (CLUSTER-17). */
const SESSION_COMMAND_TYPES = JSON.stringify([...SESSION_COMMANDS]);

/**
 * A journal row of the session `@session` (`player.forget`), or, with `@session` null, of the global part
 * (`player.erase`): every row that is not a session command's naming a session. That includes the rows of
 * internal commands journaled without a session (`picture.processed`, `timer.fire`).
 */
const IN_PART = `(CASE WHEN json_extract(input, '$.session') IS NOT NULL
    AND json_extract(input, '$.command.type') IN (SELECT value FROM json_each(@sessionCommands))
  THEN json_extract(input, '$.session') = @session ELSE @session IS NULL END)`;

/**
 * The statements that take personal data out of the journal and the delivery logs in the commit that
 * removed it from the state (PRIVACY-1, PRIVACY-2). Rows before the commit's checkpoint are no longer
 * replayed (replay starts from the state the checkpoint stored), so they can be rewritten freely.
 */
export function redactionStatements(redaction: Redaction): Statement[] {
  if (redaction.kind === 'player') return playerRedaction(redaction);
  return locationRedaction(redaction);
}

/**
 * The rows about a player of one part (CLUSTER-17): its journal rows and its stream's logged broadcasts;
 * the global part's also the stored answers (which name no session).
 */
function playerRedaction(redaction: Extract<Redaction, { kind: 'player' }>): Statement[] {
  const { player, pseudonym, name, session } = redaction;
  const views = { player, pseudonym, stream: streamOf(session) };
  const rows: Statement[] = [
    [
      `UPDATE journal SET input = ${REDACTED_COMMAND} WHERE ${ABOUT_PLAYER} AND ${IN_PART}`,
      { player, name, session, sessionCommands: SESSION_COMMAND_TYPES },
    ],
    // Logged `player.added` / `player.changed` broadcasts, replayed to resuming admins.
    [
      `UPDATE broadcast SET event = json_set(event, '$.player.name', @pseudonym, '$.player.phone', NULL)
       WHERE stream = @stream AND json_extract(event, '$.player.id') = @player`,
      views,
    ],
  ];
  if (session !== null) return rows;
  const answers = { player, pseudonym };
  return [
    ...rows,
    // Stored answers that are a player view (player.add/edit/remove, team.assign) or carry one (auth.login).
    [
      `UPDATE answered SET answer = json_set(answer, '$.result.name', @pseudonym, '$.result.phone', NULL)
       WHERE json_extract(answer, '$.result.id') = @player AND json_type(answer, '$.result.removed') IN ('true', 'false')`,
      answers,
    ],
    [
      `UPDATE answered SET answer = json_set(answer, '$.result.player.name', @pseudonym, '$.result.player.phone', NULL)
       WHERE json_extract(answer, '$.result.player.id') = @player`,
      answers,
    ],
  ];
}

/** A session's location reports and catches in a time window, and its logged `location` broadcasts. */
function locationRedaction(redaction: Extract<Redaction, { kind: 'locations' }>): Statement[] {
  const { session, from, to, players, teams } = redaction;
  const list = (ids: readonly number[] | null): string | null => (ids === null ? null : JSON.stringify(ids));
  const params = { session, from, to, players: list(players) };
  const reports = `json_extract(input, '$.session') = @session AND ${NOW_SQL} BETWEEN @from AND @to
    AND (@players IS NULL OR COALESCE(json_extract(input, '$.command.player'), ${ACTOR_PLAYER_SQL})
      IN (SELECT value FROM json_each(@players)))`;
  return [
    [
      `UPDATE journal SET input = ${REDACTED_COMMAND} WHERE ${reports} AND json_extract(input, '$.command.type') = 'location.send'`,
      params,
    ],
    // A catch keeps who caught whom; only the catcher's position goes.
    [
      `UPDATE journal SET input = json_remove(input, '$.command.position') WHERE ${reports} AND json_extract(input, '$.command.type') = 'catch'`,
      params,
    ],
    [
      `DELETE FROM broadcast WHERE stream = CAST(CAST(@session AS INTEGER) AS TEXT) AND at BETWEEN @from AND @to
       AND json_extract(event, '$.type') = 'location'
       AND (@teams IS NULL OR json_extract(event, '$.team') IN (SELECT value FROM json_each(@teams)))`,
      { session, from, to, teams: list(teams) },
    ],
  ];
}

export const blobDeleteStatement = (key: string): Statement => ['DELETE FROM blob WHERE key = @key', { key }];

/**
 * Makes the state after a checkpoint row the journal's base (DURABILITY-3): replay starts from it and
 * skips every row up to the checkpoint. `rowsAfter` is how many of the commit's journal rows follow it.
 */
export function checkpointStatements(base: string, rowsAfter: number): Statement[] {
  return [
    ["INSERT OR REPLACE INTO meta (key, value) VALUES ('journalBase', @base)", { base }],
    [
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('journalBaseSeq', (SELECT MAX(seq) FROM journal) - @rowsAfter)",
      { rowsAfter },
    ],
  ];
}
