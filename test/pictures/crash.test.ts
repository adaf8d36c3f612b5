import { afterEach, describe, expect, it } from 'vitest';
import {
  closeClients,
  killSpawnedServers,
  openClient,
  removeTempDirs,
  spawnServer,
  tempDir,
} from '../helpers/index.js';
import { decoded, getHttp, httpBase, makeImage, makeWorld, uploaded, uploadHttp } from './support.js';

afterEach(async () => {
  closeClients();
  await killSpawnedServers();
  removeTempDirs();
});

describe('a real server process', { timeout: 90_000 }, () => {
  it('an acknowledged upload survives kill -9: metadata, picture and thumbnail are there after restart', async () => {
    const dataDir = tempDir();
    const first = await spawnServer(dataDir);
    const admin = await openClient({ socket: first.socketPath });
    const world = await makeWorld(admin);
    const picture = uploaded(
      await uploadHttp(
        httpBase(first.url),
        world.tokens.b0,
        { kind: 'team', team: world.teams.b },
        await makeImage('webp', 500, 300),
      ),
    );
    const before = await getHttp(httpBase(first.url), `/pictures/${picture.id}`, { bearer: world.tokens.b0 });
    expect(before.status).toBe(200);
    closeClients();
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await spawnServer(dataDir);
    const again = await openClient({ socket: second.socketPath });
    const team = (await again.request({ type: 'team.list' }, { session: world.session })).find(
      (t) => t.id === world.teams.b,
    );
    expect(team?.picture).toBe(picture.id);
    const base = httpBase(second.url);
    const full = await getHttp(base, `/pictures/${picture.id}`, { bearer: world.tokens.b0 });
    expect(full.bytes.equals(before.bytes)).toBe(true);
    const thumb = await getHttp(base, `/pictures/${picture.id}/thumb`, { bearer: second.adminToken });
    expect(await decoded(thumb.bytes)).toEqual({ format: 'jpeg', width: 192, height: 192 });
  });
});
