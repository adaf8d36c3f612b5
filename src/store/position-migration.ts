import type Database from 'better-sqlite3';

/** A stored record, as JSON gives it back. */
export type StoredRecord = Record<string, unknown> & { readonly id: number };

/**
 * A player record as stored before CLUSTER-12 split into what the global part keeps and the session-owned
 * record of the player's last report: `team` goes (the team's `players` list them) and `lastLocation`
 * becomes a position record under the player's id, in their session. A record without those fields is
 * returned as it is, with no position. Used by the migration and by imports of older state documents.
 */
export function withoutSessionFields(record: StoredRecord): {
  player: StoredRecord;
  position?: StoredRecord;
} {
  if (!('team' in record) && !('lastLocation' in record)) return { player: record };
  const { team, lastLocation, ...player } = record as StoredRecord & {
    team?: unknown;
    lastLocation?: Record<string, unknown> | null;
  };
  const session = player.session;
  // A report of a player on no team is never read (a report needs a team, LOCATION-2; joining one forgets
  // it, TEAM-6): it is dropped, so that no position names a player a global step may move (CLUSTER-15).
  if (lastLocation === null || lastLocation === undefined || typeof session !== 'number') return { player };
  if (team === null || team === undefined) return { player };
  return { player, position: { id: record.id, session, ...lastLocation } };
}

/**
 * Migration 9 (CLUSTER-12), in place: every player record loses `team` and `lastLocation`, and a last
 * report becomes a `position` record; the journal's base state (an imported state or a privacy
 * checkpoint) is rewritten the same way, so that replay still rebuilds the live state.
 */
export function moveSessionFieldsOffPlayers(db: Database.Database): void {
  const putDoc = db.prepare('INSERT OR REPLACE INTO entity (kind, id, doc) VALUES (?, ?, ?)');
  for (const row of db.prepare("SELECT id, doc FROM entity WHERE kind = 'player'").all() as DocRow[]) {
    const { player, position } = withoutSessionFields(JSON.parse(row.doc) as StoredRecord);
    putDoc.run('player', row.id, JSON.stringify(player));
    if (position !== undefined) putDoc.run('position', row.id, JSON.stringify(position));
  }
  const base = db.prepare("SELECT value FROM meta WHERE key = 'journalBase'").pluck().get() as
    string | undefined;
  if (base === undefined) return;
  const document = JSON.parse(base) as { tables?: Record<string, StoredRecord[]> };
  if (document.tables === undefined) return;
  document.tables = splitPlayers(document.tables);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'journalBase'").run(JSON.stringify(document));
}

/** A state document's tables with their player records split (see {@link withoutSessionFields}). */
export function splitPlayers(tables: Record<string, StoredRecord[]>): Record<string, StoredRecord[]> {
  const players = tables.player;
  if (players === undefined) return tables;
  const split = players.map(withoutSessionFields);
  const positions = split.flatMap((s) => (s.position === undefined ? [] : [s.position]));
  return {
    ...tables,
    player: split.map((s) => s.player),
    ...(positions.length === 0 ? {} : { position: [...(tables.position ?? []), ...positions] }),
  };
}

interface DocRow {
  id: number;
  doc: string;
}
