import type Database from 'better-sqlite3';
import { splitTeamPeriods } from './period-migration.js';
import { moveSessionFieldsOffPlayers } from './position-migration.js';
import { checkpointJournalOfTeamMemberMoves } from './team-member-checkpoint.js';
import { hashStoredPlayerTokens } from './token-migration.js';

/** One migration: SQL, or a function for what SQL alone cannot do (it runs inside the same transaction). */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Versioned schema migrations, applied in order inside one transaction each; `PRAGMA user_version`
 * records the last applied. Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 1: entities as JSON documents, counters, journal, broadcast log, answered requests.
  `
  CREATE TABLE entity (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    input TEXT NOT NULL
  );
  CREATE TABLE broadcast (
    stream TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    audience TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (stream, seq)
  ) WITHOUT ROWID;
  CREATE INDEX broadcast_at ON broadcast (at);
  CREATE TABLE answered (
    client TEXT NOT NULL,
    request TEXT NOT NULL,
    at INTEGER NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (client, request)
  ) WITHOUT ROWID;
  CREATE INDEX answered_at ON answered (at);
  `,
  // 2: blobs (picture bytes, PICTURE-4): kept beside the state, written in the same commit as their metadata,
  // read on demand and never loaded with the state. A rowid table: rows are large.
  `
  CREATE TABLE blob (
    key TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL
  );
  `,
  // 3: answered requests keyed request id first. Clients that make their request ids time-ordered (the
  // client library does) then insert at the end of the key order instead of at one place per client,
  // which made each group commit rewrite a page per client (measured: 3.4 → 1.7 ms per commit of 22).
  `
  CREATE TABLE answered_by_request (
    request TEXT NOT NULL,
    client TEXT NOT NULL,
    at INTEGER NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (request, client)
  ) WITHOUT ROWID;
  INSERT INTO answered_by_request (request, client, at, response)
    SELECT request, client, at, response FROM answered;
  DROP TABLE answered;
  ALTER TABLE answered_by_request RENAME TO answered;
  CREATE INDEX answered_at ON answered (at);
  `,
  // 4: a logged broadcast keeps its recipients as they were resolved when it was committed
  // (src/runtime/audience.ts), so that a resume replays it to the same connections without the state.
  // Older rows named the teams it was hidden from: those become the teams' players as they are now (the
  // log keeps about a day, and teams are locked while a game runs, LOCK-1).
  `
  ALTER TABLE broadcast RENAME COLUMN audience TO recipients;
  UPDATE broadcast SET recipients = CASE
    WHEN recipients IN ('all', '"all"') THEN '{"to":"stream","exceptPlayers":[]}'
    WHEN recipients IN ('admins', '"admins"') THEN '{"to":"admins"}'
    ELSE json_object('to', 'stream', 'exceptPlayers', json((
      SELECT json_group_array(entity.id) FROM entity
      WHERE entity.kind = 'player' AND json_extract(entity.doc, '$.team') IN (
        SELECT value FROM json_each(broadcast.recipients, '$.exceptTeams')
      )
    )))
  END;
  `,
  // 5: blobs keyed by their sha-256 (PICTURE-4): the picture job stores the bytes before the engine gives
  // the picture its id. Bytes stored twice under two ids become one row.
  `
  UPDATE OR IGNORE blob SET key = 'picture/' || sha256;
  DELETE FROM blob WHERE key <> 'picture/' || sha256;
  `,
  // 6: player tokens kept only as hashes, and nothing in the journal or the stored answers that gives one
  // away (AUTH-8).
  hashStoredPlayerTokens,
  // 7: a team's periods in rows of their own, so that a location update rewrites only the team's core.
  splitTeamPeriods,
  // 8: the logs keep what they need, not the frames sent. The broadcast log keeps the event, and its
  // recipients only when they are not everyone on the stream (NULL); a team's newer location supersedes
  // its older one (RESUME-3), so the trails logged before go but for each team's last; and since a resume
  // can no longer tell from the oldest row whether retention took some, each stream's pruned mark is what
  // the log lacked before its oldest row. Kept answers lose their response envelope.
  `
  INSERT OR REPLACE INTO meta (key, value)
    SELECT 'pruned:' || substr(key, 8),
      COALESCE((SELECT MIN(seq) - 1 FROM broadcast WHERE stream = substr(meta.key, 8)), value)
    FROM meta WHERE key LIKE 'stream:%';
  CREATE TABLE broadcast_event (
    stream TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    recipients TEXT,
    event TEXT NOT NULL,
    PRIMARY KEY (stream, seq)
  ) WITHOUT ROWID;
  WITH logged AS (
    SELECT stream, seq, at, recipients, json_extract(message, '$.event') AS event,
      json_extract(message, '$.event.type') AS type, json_extract(message, '$.event.team') AS team
    FROM broadcast
  )
  INSERT INTO broadcast_event (stream, seq, at, recipients, event)
    SELECT stream, seq, at, NULLIF(recipients, '{"to":"stream","exceptPlayers":[]}'), event FROM logged
    WHERE type IS NOT 'location'
      OR (stream, seq) IN (SELECT stream, MAX(seq) FROM logged WHERE type = 'location' GROUP BY stream, team, recipients);
  DROP TABLE broadcast;
  ALTER TABLE broadcast_event RENAME TO broadcast;
  CREATE INDEX broadcast_at ON broadcast (at);
  ALTER TABLE answered RENAME COLUMN response TO answer;
  UPDATE answered SET answer = json_remove(answer, '$.type', '$.id');
  `,
  // 9: what a session's game writes about a player leaves the (global) player record (CLUSTER-12): the
  // team is the one whose member list names them, the last report a position record of the session.
  moveSessionFieldsOffPlayers,
  // 10: a journal holding a step that took a player off their team, which the current rules refuse
  // (CLUSTER-15), is checkpointed at its last row, so that replay still finds the stored state (DURABILITY-3).
  checkpointJournalOfTeamMemberMoves,
  // 11: the start finds each team's latest logged location (RESUME-3) in an index of the location rows
  // alone, instead of parsing every logged event (a full day's log: about 0.1 s of every restart). It may
  // exist already where a store's version was set back (the older-store tests do that).
  `
  CREATE INDEX IF NOT EXISTS broadcast_location ON broadcast (stream, json_extract(event, '$.team'), recipients, seq)
  WHERE json_extract(event, '$.type') = 'location';
  `,
];
