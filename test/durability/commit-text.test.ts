import { describe, expect, it } from 'vitest';
import type { Recipients } from '../../src/runtime/audience.js';
import { toRows, type CommitRows } from '../../src/store/commit-rows.js';
import { PeriodTracker } from '../../src/store/period-rows.js';
import type { CommitBatch, LoggedBroadcast } from '../../src/store/store.js';
import { decodeRows, encodeRows } from '../../src/store/commit-text.js';

describe('the text a commit is posted to the writer thread as', () => {
  it('gives back every row as it was, texts with newlines, quotes, emoji and nothing in them included', () => {
    const rows: CommitRows = {
      entities: [
        ['team', 1, JSON.stringify({ name: 'Grüne "Gurken"\n🛤️', periods: 2 })],
        ['trackPoint', 9, null],
        ['zone', 2, ''],
      ],
      periods: [
        [1, 0, JSON.stringify({ context: { title: 'Zeile 1\nZeile 2' } })],
        [1, 2, null],
      ],
      meta: [['nextId:team', '2']],
      journal: [[5, '{"command":{"type":"ping","text":"\\n"}}']],
      broadcasts: [
        ['1', 3, 5, '{"to":"stream","exceptPlayers":[4]}', '{"type":"location","team":2}'],
        ['1', 4, 5, null, '{"type":"pinged","text":"\n"}'],
      ],
      superseded: [['1', 1]],
      answers: [['player/1', 'r-1', 5, '{"ok":true}']],
      prune: 4,
      statements: [['DELETE FROM blob WHERE key = @key', { key: 'picture/ab\ncd' }]],
    };
    const text = encodeRows(rows);
    expect(decodeRows(text)).toEqual(rows);
    // The documents are not JSON-encoded a second time: their quotes are not escaped.
    expect(text).toContain('{"name":"Grüne \\"Gurken\\"\\n🛤️","periods":2}');
  });
});

describe('[RESUME-3] a batch’s superseded locations', () => {
  const EVERYONE: Recipients = { to: 'stream', exceptPlayers: [] };
  const location = (seq: number, team: number, supersedes?: number): LoggedBroadcast => ({
    stream: '1',
    seq,
    at: seq,
    recipients: EVERYONE,
    event: `{"type":"location","team":${team}}`,
    message: `frame ${seq}`,
    ...(supersedes === undefined ? {} : { supersedes }),
  });

  it('become deletes of their rows; one superseded within the batch is neither written nor deleted', () => {
    const batch: CommitBatch = {
      writes: [],
      broadcasts: [location(7, 1, 3), location(8, 2), location(9, 1, 7), location(10, 2, 8)],
      journal: [],
      answers: [],
    };
    const rows = toRows(batch, new PeriodTracker([]));
    expect(rows.broadcasts).toEqual([
      ['1', 9, 9, null, '{"type":"location","team":1}'],
      ['1', 10, 10, null, '{"type":"location","team":2}'],
    ]);
    expect(rows.superseded).toEqual([['1', 3]]);
    // The cluster's batch log carries the rows as JSON (batch-log.ts): the deletes go with them.
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
    expect(decodeRows(encodeRows(rows))).toEqual(rows);
  });
});
