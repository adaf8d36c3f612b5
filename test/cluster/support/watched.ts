import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { TruinlagClient } from '../../../src/client/client.js';
import type { BroadcastMessage } from '../../../src/protocol/envelope.js';
import { readJournalInput } from '../../../src/store/journal-input.js';
import { DATABASE_FILE } from '../../../src/store/sqlite-store.js';
import { collect } from '../../auth/support.js';
import { clientStartingOn } from './cluster-nodes.js';
import { TeamLoad } from './load.js';

/** One game session under load: who adds its teams, and a player of it who watches its broadcasts. */
export interface Watched {
  readonly session: number;
  readonly load: TeamLoad;
  readonly seen: BroadcastMessage[];
  readonly watcher: TruinlagClient;
}

/**
 * `count` sessions, each with a player watching from one node and an admin client adding teams (a request,
 * then `pauseMs`) from another, spread over all three nodes; every client has every node's URL and moves
 * on by itself. `keep` remembers each client for the clean-up.
 */
export async function watchedSessions(
  urls: readonly string[],
  token: string,
  admin: TruinlagClient,
  options: { count: number; pauseMs: number; keep: (client: TruinlagClient) => TruinlagClient },
): Promise<Watched[]> {
  const { count, pauseMs, keep } = options;
  const watchers: Omit<Watched, 'load'>[] = [];
  // One login at a time: they all come from one address, whose login budget (LIMIT-8) a success gives back.
  for (let i = 0; i < count; i++) {
    const { id: session } = await admin.request({ type: 'session.add', name: `Session ${i}` });
    const passphrase = `watcher-${i}-secret-phrase`;
    await admin.request({ type: 'player.add', name: `W${i}`, passphrase, session });
    const watcher = keep(clientStartingOn(urls[(i + 1) % 3] as string, urls, { clientId: `watcher-${i}` }));
    await watcher.login(passphrase);
    watchers.push({ session, watcher, seen: collect(watcher) });
  }
  // The loads start once every watcher is in its session, so that each sees every team added.
  return watchers.map((w, i) => {
    const loader = clientStartingOn(urls[i % 3] as string, urls, {
      token,
      clientId: `loader-${i}`,
      broadcasts: false,
    });
    return { ...w, load: new TeamLoad(keep(loader), w.session, 't', pauseMs) };
  });
}

/** The names of the teams added in `session` by journal rows of a stopped node's SQLite copy. */
export function journaledTeams(dataDir: string, session: number): string[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT at, input FROM journal ORDER BY seq').all() as {
      at: number;
      input: string;
    }[];
    return rows.flatMap((row) => {
      const { command, session: of } = readJournalInput(row);
      return command.type === 'team.add' && of === session ? [command.name] : [];
    });
  } finally {
    db.close();
  }
}
