import { partOfKey } from '../engine/parts.js';

/**
 * A part's key (`partKey` in src/engine/parts.ts: `global`, `session:<id>`) as a NATS token: `global`,
 * `session.<id>`. Subjects and KV keys allow no `:`, so the part's log subject and its lease key are
 * spelled with this token. Any other key is a bug of the caller: it throws.
 */
export function partToken(part: string): string {
  const parsed = partOfKey(part);
  return parsed.kind === 'global' ? 'global' : `session.${parsed.session}`;
}
