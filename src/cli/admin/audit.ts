import type { GlobalOptions } from '../connection.js';
import { findSession, parseTime, show, withConnection } from '../game/call.js';
import { authorText } from './game-masters.js';

/**
 * `audit [--session S] [--since T] [--limit N]` (AUTH-9): who ran which state-changing command when,
 * asked of the server (`audit.list`, answered from its journal); passphrases and tokens never appear.
 */
export function audit(options: GlobalOptions, o: { since?: string; limit?: number }): Promise<void> {
  return withConnection(options, async (client) => {
    const session = options.session === undefined ? undefined : await findSession(client, options.session);
    const found = await client.request({
      type: 'audit.list',
      ...(session === undefined ? {} : { session }),
      ...(o.since === undefined ? {} : { since: parseTime(o.since, '--since') }),
      ...(o.limit === undefined ? {} : { limit: o.limit }),
    });
    show(options, found, () => {
      const rows = found.entries.map((e) => ({
        seq: e.seq,
        at: new Date(e.at).toISOString(),
        by: authorText(e.by),
        command: e.command,
        session: e.session ?? '',
        params: e.params === null ? '(redacted)' : JSON.stringify(e.params),
      }));
      return found.more ? [...rows, { seq: '…', at: 'older entries left out (--since, --limit)' }] : rows;
    });
  });
}
