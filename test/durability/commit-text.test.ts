import { describe, expect, it } from 'vitest';
import type { CommitRows } from '../../src/store/commit-rows.js';
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
      broadcasts: [['1', 3, 5, '{"to":"stream","exceptPlayers":[]}', '{"type":"broadcast","seq":3}']],
      answers: [['player/1', 'r-1', 5, '{"type":"response","id":"r-1","ok":true}']],
      prune: 4,
      statements: [['DELETE FROM blob WHERE key = @key', { key: 'picture/ab\ncd' }]],
    };
    const text = encodeRows(rows);
    expect(decodeRows(text)).toEqual(rows);
    // The documents are not JSON-encoded a second time: their quotes are not escaped.
    expect(text).toContain('{"name":"Grüne \\"Gurken\\"\\n🛤️","periods":2}');
  });
});
