/**
 * The broadcast log's bookkeeping beside its rows (RESUME-2, RESUME-3). Rows leave the log in two ways:
 * retention prunes the old ones, and a team's newer location supersedes its older one. Only the first
 * makes a resume impossible, so it is recorded per stream: the last seq retention took out.
 */

/** Meta key prefix of a stream's last pruned seq: `pruned:<stream>`. */
export const PRUNED_KEY = 'pruned:';

/**
 * Records, per stream, the last seq that the prune (`DELETE … WHERE at < ?`, run right after) takes out,
 * never moving a stream's mark back.
 */
export const RECORD_PRUNED = `
  INSERT OR REPLACE INTO meta (key, value)
  SELECT '${PRUNED_KEY}' || stream, MAX(MAX(seq), COALESCE((
    SELECT CAST(value AS INTEGER) FROM meta WHERE key = '${PRUNED_KEY}' || broadcast.stream), 0))
  FROM broadcast WHERE at < ? GROUP BY stream`;

/** Deletes one superseded location row (RESUME-3). */
export const DELETE_SUPERSEDED = 'DELETE FROM broadcast WHERE stream = ? AND seq = ?';
