import type Database from 'better-sqlite3';

/**
 * Migration 7: a team's periods move out of its entity row into rows of their own, keyed by team and
 * index (period-rows.ts), and the entity row keeps their count. Stores of earlier versions kept every
 * period inside the team's document, which every location update then rewrote. A team already split
 * (its `periods` a count) is left as it is.
 */
export function splitTeamPeriods(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS period (
      team INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      doc TEXT NOT NULL,
      PRIMARY KEY (team, idx)
    ) WITHOUT ROWID;
  `);
  const putPeriod = db.prepare('INSERT INTO period (team, idx, doc) VALUES (?, ?, ?)');
  const putCore = db.prepare("UPDATE entity SET doc = ? WHERE kind = 'team' AND id = ?");
  const teams = db.prepare("SELECT id, doc FROM entity WHERE kind = 'team'").all() as TeamRow[];
  for (const row of teams) {
    const team = JSON.parse(row.doc) as { periods: unknown };
    if (!Array.isArray(team.periods)) continue;
    team.periods.forEach((period, index) => putPeriod.run(row.id, index, JSON.stringify(period)));
    putCore.run(JSON.stringify({ ...team, periods: team.periods.length }), row.id);
  }
}

interface TeamRow {
  id: number;
  doc: string;
}
