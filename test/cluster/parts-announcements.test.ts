import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BroadcastEvent } from '../../src/protocol/broadcasts.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { collect, settle } from '../auth/support.js';
import { CHILD_PROCESS_TEST_MS } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { makeImage } from '../pictures/support.js';
import { clientStartingOn, clusterDataDirs, urlClient, type NodeProcess } from './support/cluster-nodes.js';
import { clusterRunPerTest } from './support/cluster-run.js';
import { notOnceIn, streamGaps, TeamLoad } from './support/load.js';
import { startNatsCluster } from './support/nats-cluster.js';
import { holders, partEntries, partWriterProblems, startPartsNode, withOutputs } from './support/parts.js';

const RENAMES = 12;
const PAUSE_MS = 50;

const run = clusterRunPerTest();

const kept = run.keep;

/** The session stream's logged broadcasts in a node's SQLite copy, by sequence. */
function loggedBroadcasts(dataDir: string, session: number): { seq: number; event: BroadcastEvent }[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT seq, event FROM broadcast WHERE stream = ? ORDER BY seq')
      .all(String(session)) as { seq: number; event: string }[];
    return rows.map(({ seq, event }) => ({ seq, event: JSON.parse(event) as BroadcastEvent }));
  } finally {
    db.close();
  }
}

/** The reports a node's copy holds answers of, by the node that forwarded them (`report/<node>`). */
function forwardedReports(dataDir: string): string[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT client FROM answered WHERE client LIKE 'report/%'").pluck().all() as string[];
  } finally {
    db.close();
  }
}

const renamesIn = (events: readonly BroadcastEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'session.changed' ? [e.session.name] : []));
const picturesIn = (events: readonly BroadcastEvent[]): (number | null)[] =>
  events.flatMap((e) => (e.type === 'player.changed' ? [e.player.picture] : []));
const teamsIn = (events: readonly BroadcastEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'team.changed' ? [e.team.name] : []));

describe(
  'a global step’s announcement on a session held elsewhere',
  { timeout: CHILD_PROCESS_TEST_MS },
  () => {
    it('[CLUSTER-22] renames and a profile picture, stepped by the global part’s holder, of a session another node holds reach a player on a third node once each, between the session’s own broadcasts, numbered 1, 2, 3, … in every copy', async () => {
      run.nats = await startNatsCluster();
      const natsUrls = run.nats.urls;
      const { dirs, adminToken } = clusterDataDirs(3);
      run.nodes = await Promise.all(dirs.map((dir, i) => startPartsNode(`node-${i + 1}`, dir, natsUrls)));
      const urls = run.nodes.map((n) => n.url);
      const global = (await holders(run.nodes, ['global'], 60_000)).get('global') as NodeProcess;
      const admin = kept(
        urlClient(urls, { token: adminToken, clientId: 'announce-admin', broadcasts: false }),
      );

      // A session whose holder is not the global part's: new sessions until one falls on another node.
      let session: number | undefined;
      let holder: NodeProcess | undefined;
      for (let i = 0; session === undefined && i < 20; i++) {
        const { id } = await admin.request({ type: 'session.add', name: `Session ${i}` });
        const at = (await holders(run.nodes, ['global', `session:${id}`])).get(`session:${id}`);
        if (at !== global) [session, holder] = [id, at];
      }
      if (session === undefined || holder === undefined)
        throw new Error('every session fell on the global holder');
      const third = run.nodes.find((n) => n !== global && n !== holder) as NodeProcess;

      // A player of the session watches through the third node only; a load adds teams through the holder.
      const passphrase = 'announce-watcher-phrase';
      const { id: player } = await admin.request({
        type: 'player.add',
        name: 'Watcher',
        passphrase,
        session,
      });
      const watcher = kept(urlClient([third.url], { clientId: 'announce-watcher' }));
      await watcher.login(passphrase);
      const seen = collect(watcher);
      const loader = clientStartingOn(holder.url, urls, {
        token: adminToken,
        clientId: 'announce-loader',
        broadcasts: false,
      });
      const load = new TeamLoad(kept(loader), session, 't', PAUSE_MS);
      // The renames go through the global part's holder, which steps them there and forwards each report.
      const renamer = kept(
        clientStartingOn(global.url, urls, {
          token: adminToken,
          clientId: 'announce-renamer',
          broadcasts: false,
        }),
      );
      const names = Array.from({ length: RENAMES }, (_, i) => `Renamed ${i}`);
      for (const name of names) {
        await renamer.request({ type: 'session.edit', name }, { session });
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
      // A profile picture: its job's result is a global step too, announced to the player's session.
      const picture = await renamer.request({
        type: 'picture.upload',
        target: { kind: 'player', player },
        data: (await makeImage('jpeg', 64, 64)).toString('base64'),
      });
      await load.stop();
      await settle(admin, [], 'stopped');
      const teams = load.acks.map((a) => a.name);
      expect(teams.length).toBeGreaterThan(5);

      const events = (): BroadcastEvent[] => seen.filter((b) => b.session === session).map((b) => b.event);
      await waitFor(
        () =>
          notOnceIn(names, renamesIn(events())).length === 0 &&
          notOnceIn(teams, teamsIn(events())).length === 0 &&
          picturesIn(events()).length > 0,
        30_000,
        'every rename and every team on the watcher',
      ).catch(withOutputs(run.nodes));
      expect(renamesIn(events())).toEqual(names);
      expect(picturesIn(events())).toEqual([picture.id]);
      expect(notOnceIn(teams, teamsIn(events()))).toEqual([]);
      const seqs = seen.filter((b) => b.session === session).map((b) => b.seq);
      expect(streamGaps(seen, session)).toEqual([]);
      expect(seqs[0]).toBe(1);
      expect(partWriterProblems(await partEntries(natsUrls))).toEqual([]);

      // Each copy logged the session's stream once: 1, 2, 3, …, every rename and team once, as the watcher saw.
      // The copies other than the watcher's node follow the log at their own pace: stopped before they caught
      // up, they would hold less (they catch up when they start again).
      await waitFor(
        () => run.nodes.every((node) => loggedBroadcasts(node.dataDir, session).length >= (seqs.at(-1) ?? 0)),
        30_000,
        'every copy to log the whole stream',
      ).catch(withOutputs(run.nodes));
      for (const node of run.nodes) {
        node.signal('SIGTERM');
        await node.exited;
        const logged = loggedBroadcasts(node.dataDir, session);
        expect(logged.map((b) => b.seq)).toEqual(logged.map((_, i) => i + 1));
        expect(logged.length).toBe(seqs.at(-1));
        expect(renamesIn(logged.map((b) => b.event))).toEqual(names);
        expect(picturesIn(logged.map((b) => b.event))).toEqual([picture.id]);
        expect(notOnceIn(teams, teamsIn(logged.map((b) => b.event)))).toEqual([]);
        // The announcements were the global holder's reports, run once each by the session's holder.
        expect(forwardedReports(node.dataDir)).toEqual(
          [...names, picture].map(() => `report/${global.name}`),
        );
      }
    });
  },
);
