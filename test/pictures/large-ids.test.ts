import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ID_SESSIONS, SESSION_ID_BASE } from '../../src/engine/tx.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startPartitionedServer,
  stopTestServers,
} from '../helpers/index.js';
import { getHttp, httpBase, makeImage, uploaded, uploadHttp } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

describe('[CLUSTER-16] ids up to 2^53 over HTTP', () => {
  it('[CLUSTER-16] a team picture is uploaded and downloaded for the largest session ids there are', async () => {
    // A store whose next session is the last with ids of its own, switched to per-session ids.
    const server = await startPartitionedServer(MAX_ID_SESSIONS - 1);
    const admin = await openClient({ url: server.url, token: server.adminToken });
    const session = await admin.request({ type: 'session.add', name: 'Letzte' });
    const team = await admin.request({ type: 'team.add', name: 'Rot' }, { session: session.id });
    expect(team.id).toBe((MAX_ID_SESSIONS - 1) * SESSION_ID_BASE + 1);
    expect(String(team.id)).toHaveLength(16);

    const base = httpBase(server.url);
    const image = await makeImage('jpeg', 64, 48);
    const picture = uploaded(
      await uploadHttp(base, server.adminToken, { kind: 'team', team: team.id }, image),
    );
    expect(picture.id).toBe((MAX_ID_SESSIONS - 1) * SESSION_ID_BASE + 1);
    const download = await getHttp(base, `/pictures/${picture.id}`, { bearer: server.adminToken });
    expect(download.status).toBe(200);
    expect(download.type).toBe('image/jpeg');
  });
});
