import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { MAX_PICTURE_BYTES, type PictureView } from '../../src/protocol/pictures.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/version.js';
import { replayJournal } from '../../src/runtime/replay.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { stateHash } from '../../src/store/state-json.js';
import {
  closeClients,
  found,
  journalLength,
  nextBroadcast,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  type TestServer,
} from '../helpers/index.js';
import {
  blobRows,
  decoded,
  getHttp,
  httpBase,
  journalInputs,
  makeImage,
  makeWorld,
  playCatch,
  uploaded,
  uploadHttp,
  type World,
} from './support.js';

let server: TestServer;
let admin: TruinlagClient;
let base: string;

beforeEach(async () => {
  server = await startTestServer();
  admin = await openClient({ socket: server.socketPath });
  base = httpBase(server.url);
});

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const base64 = (bytes: Buffer): string => bytes.toString('base64');

/** What must not move when an upload is refused: the state, the journal and the blob store. */
function footprint(s: TestServer): { hash: string; journal: number; blobs: number; nextPicture: number } {
  return {
    hash: stateHash(s.server.runtime.current),
    journal: journalLength(s.dataDir),
    blobs: blobRows(s.dataDir).length,
    nextPicture: s.server.runtime.current.nextIds.picture,
  };
}

describe('uploading', () => {
  it('an admin uploads a player picture over HTTP: stored, linked, served full and as a 192×192 thumbnail', async () => {
    const world = await makeWorld(admin);
    const image = await makeImage('jpeg', 800, 600);
    const answer = await uploadHttp(
      base,
      server.adminToken,
      { kind: 'player', player: world.players.a0 },
      image,
    );
    expect(answer.status).toBe(200);
    const picture = uploaded(answer);
    expect(picture).toMatchObject({
      kind: 'player',
      owner: world.players.a0,
      period: null,
      session: world.session,
      width: 800,
      height: 600,
      mime: 'image/jpeg',
      thumb: { width: 192, height: 192, mime: 'image/jpeg' },
      uploadedBy: null,
    });
    expect((await admin.request({ type: 'player.get', id: world.players.a0 })).picture).toBe(picture.id);

    const full = await getHttp(base, `/pictures/${picture.id}`, { bearer: server.adminToken });
    expect(full.status).toBe(200);
    expect(full.type).toBe('image/jpeg');
    expect(full.bytes.length).toBe(picture.bytes);
    expect(await decoded(full.bytes)).toEqual({ format: 'jpeg', width: 800, height: 600 });
    const thumb = await getHttp(base, `/pictures/${picture.id}/thumb`, { bearer: server.adminToken });
    expect(thumb.status).toBe(200);
    expect(thumb.bytes.length).toBe(picture.thumb.bytes);
    expect(await decoded(thumb.bytes)).toEqual({ format: 'jpeg', width: 192, height: 192 });

    // The bytes are blobs in the store under their sha-256, not part of the state.
    const rows = [
      { key: `picture/${sha256(full.bytes)}`, size: picture.bytes, sha256: sha256(full.bytes) },
      { key: `picture/${sha256(thumb.bytes)}`, size: picture.thumb.bytes, sha256: sha256(thumb.bytes) },
    ];
    expect(blobRows(server.dataDir)).toEqual(rows.sort((a, b) => (a.key < b.key ? -1 : 1)));
    expect(JSON.stringify(server.server.runtime.current.tables.picture.get(picture.id))).not.toContain(
      base64(full.bytes).slice(0, 100),
    );
  });

  it.each(['jpeg', 'png', 'webp'] as const)(
    'a %s uploaded over the protocol becomes the team picture and is broadcast to the session',
    async (format) => {
      const world = await makeWorld(admin);
      const watcher = await openClient({ url: server.url, token: world.tokens.b0 });
      const changed = nextBroadcast(watcher, (b) => b.event.type === 'team.changed');
      const picture = await admin.request({
        type: 'picture.upload',
        target: { kind: 'team', team: world.teams.a },
        data: base64(await makeImage(format, 300, 500)),
      });
      expect(picture).toMatchObject({ kind: 'team', owner: world.teams.a, width: 300, height: 500 });
      expect((await changed).event).toMatchObject({ team: { id: world.teams.a, picture: picture.id } });
      const team = (await admin.request({ type: 'team.list' }, { session: world.session })).find(
        (t) => t.id === world.teams.a,
      );
      expect(team?.picture).toBe(picture.id);
      const page = await admin.request({ type: 'picture.get', ids: [picture.id, 999] });
      expect(page.missing).toEqual([999]);
      expect(page.rest).toEqual([]);
      expect(page.pictures.map((p) => p.id)).toEqual([picture.id]);
      const thumbnail = Buffer.from(found(page.pictures[0], 'the picture').thumbnail, 'base64');
      expect(await decoded(thumbnail)).toEqual({ format: 'jpeg', width: 192, height: 192 });
    },
  );

  it('[PICTURE-2] refuses non-pictures, truncated and other formats with PICTURE_PROBLEM, and changes nothing', async () => {
    const world = await makeWorld(admin);
    const target = { kind: 'player', player: world.players.a0 };
    const before = footprint(server);
    const jpeg = await makeImage('jpeg', 400, 300, { noise: true });
    const refusals = [
      ['text', Buffer.from('Hello, this is a text file and not a picture.\n')],
      ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 2))],
      ['GIF', await makeImage('gif', 40, 40)],
    ] as const;
    for (const [name, body] of refusals) {
      const answer = await uploadHttp(base, server.adminToken, target, body);
      expect({ name, status: answer.status, ok: answer.body.ok }).toEqual({ name, status: 422, ok: false });
      expect(answer.body).toMatchObject({ error: { code: 'PICTURE_PROBLEM' } });
      await expect(
        admin.request({
          type: 'picture.upload',
          target: { kind: 'player', player: world.players.a0 },
          data: base64(body),
        }),
      ).rejects.toMatchObject({ code: 'PICTURE_PROBLEM' });
    }
    expect(footprint(server)).toEqual(before);
    expect((await admin.request({ type: 'player.get', id: world.players.a0 })).picture).toBeNull();
    // The server is unharmed by what it refused.
    await expect(admin.request({ type: 'ping', text: 'still here' })).resolves.toEqual({
      text: 'still here',
    });
  });

  it('[PICTURE-2] refuses an upload over 10 MiB with TOO_LARGE, and changes nothing', async () => {
    const world = await makeWorld(admin);
    const before = footprint(server);
    const body = Buffer.alloc(MAX_PICTURE_BYTES + 1, 7);
    const answer = await uploadHttp(base, server.adminToken, { kind: 'team', team: world.teams.a }, body);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });
    if (!answer.body.ok) expect(answer.body.error.message).toMatch(/10 MiB/);
    expect(footprint(server)).toEqual(before);
    // At the limit it is read, and then judged as a picture.
    const under = await uploadHttp(
      base,
      server.adminToken,
      { kind: 'team', team: world.teams.a },
      body.subarray(0, MAX_PICTURE_BYTES),
    );
    expect(under.status).toBe(422);
  });

  it('an upload with an unknown or missing target is refused before any processing', async () => {
    const world = await makeWorld(admin);
    const image = await makeImage('png', 64, 64);
    const before = footprint(server);
    const cases = [
      [{ kind: 'player', player: 9999 }, 404, 'NOT_FOUND'],
      [{ kind: 'team', team: 9999 }, 404, 'NOT_FOUND'],
      [{ kind: 'period', team: world.teams.a, period: 0 }, 404, 'NOT_FOUND'],
      [{ kind: 'team' }, 400, 'MALFORMED'],
    ] as const;
    for (const [query, status, code] of cases) {
      const answer = await uploadHttp(base, server.adminToken, query, image);
      expect({ query, status: answer.status, body: answer.body }).toMatchObject({
        status,
        body: { ok: false, error: { code } },
      });
    }
    expect(footprint(server)).toEqual(before);
  });

  it('[PICTURE-1] players upload for themselves and their own team only; admins for anyone', async () => {
    const world = await makeWorld(admin);
    const image = await makeImage('webp', 120, 80);
    const anna = world.tokens.a0;
    const own = await uploadHttp(base, anna, { kind: 'player', player: world.players.a0 }, image);
    expect(uploaded(own)).toMatchObject({ owner: world.players.a0, uploadedBy: world.players.a0 });
    const ownTeam = await uploadHttp(base, anna, { kind: 'team', team: world.teams.a }, image);
    expect(uploaded(ownTeam)).toMatchObject({
      kind: 'team',
      owner: world.teams.a,
      uploadedBy: world.players.a0,
    });
    const before = footprint(server);
    const others: Record<string, string | number>[] = [
      { kind: 'player', player: world.players.a1 },
      { kind: 'team', team: world.teams.b },
    ];
    for (const query of others) {
      const answer = await uploadHttp(base, anna, query, image);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ ok: false, error: { code: 'UNAUTHORISED' } });
    }
    // The same rule over a player's WebSocket connection.
    const annaWs = await openClient({ url: server.url, token: anna });
    await expect(
      annaWs.request({
        type: 'picture.upload',
        target: { kind: 'team', team: world.teams.b },
        data: base64(image),
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORISED' });
    expect(footprint(server)).toEqual(before);
    // An admin may upload for any player or team.
    const forBeat = await uploadHttp(
      base,
      server.adminToken,
      { kind: 'player', player: world.players.b0 },
      image,
    );
    expect(uploaded(forBeat)).toMatchObject({ owner: world.players.b0, uploadedBy: null });
  });

  it('[IDEMPOTENCY-3] a retried upload with the same Idempotency-Key is stored once and answered the same', async () => {
    const world = await makeWorld(admin);
    const image = await makeImage('png', 90, 90);
    const query = { kind: 'team', team: world.teams.b };
    const headers = { 'idempotency-key': 'upload-42' };
    const first = uploaded(await uploadHttp(base, world.tokens.b0, query, image, headers));
    const again = uploaded(await uploadHttp(base, world.tokens.b0, query, image, headers));
    expect(again).toEqual(first);
    expect(server.server.runtime.current.tables.picture.size).toBe(1);
    const other = uploaded(
      await uploadHttp(base, world.tokens.b0, query, image, { 'idempotency-key': 'upload-43' }),
    );
    expect(other.id).not.toBe(first.id);
  });
});

describe('proof pictures', () => {
  it('[PICTURE-5] a proof picture of a catch appears on both linked periods, also in the events', async () => {
    const world = await makeWorld(admin);
    const game = await playCatch(admin, world);
    const tokenOf = (team: number): string => (team === world.teams.a ? world.tokens.a0 : world.tokens.b0);
    // A player of the caught team attaches a picture to its "caught" period...
    const first = uploaded(
      await uploadHttp(
        base,
        tokenOf(game.caught),
        { kind: 'period', team: game.caught, period: game.caughtPeriod },
        await makeImage('jpeg', 640, 480),
      ),
    );
    expect(first).toMatchObject({
      kind: 'proof',
      owner: game.caught,
      period: game.caughtPeriod,
      session: world.session,
    });
    // ...and one of the catcher team to its "catcher" period.
    const second = uploaded(
      await uploadHttp(
        base,
        tokenOf(game.catcher),
        { kind: 'period', team: game.catcher, period: game.catcherPeriod },
        await makeImage('png', 480, 640),
      ),
    );
    const teams = await admin.request({ type: 'team.list' }, { session: world.session });
    const periodOf = (team: number, index: number) => teams.find((t) => t.id === team)?.periods[index];
    expect(periodOf(game.caught, game.caughtPeriod)).toMatchObject({
      context: { type: 'caught', catcherTeam: game.catcher, catcherPeriod: game.catcherPeriod },
      pictures: [first.id, second.id],
    });
    expect(periodOf(game.catcher, game.catcherPeriod)).toMatchObject({
      context: { type: 'catcher', caughtTeam: game.caught, caughtPeriod: game.caughtPeriod },
      pictures: [first.id, second.id],
    });
    const events = await admin.request({ type: 'event.list' }, { session: world.session });
    expect(events.find((e) => e.type === 'caught')?.pictures).toEqual([first.id, second.id]);
    // A player may not add proof to the other team's period.
    const refused = await uploadHttp(
      base,
      tokenOf(game.caught),
      { kind: 'period', team: game.catcher, period: game.catcherPeriod },
      await makeImage('jpeg', 64, 64),
    );
    expect(refused.status).toBe(403);
  });

  it('[PAST-3] a late proof picture after the stop is added to the past game too', async () => {
    const world = await makeWorld(admin);
    const game = await playCatch(admin, world);
    const { pastGame } = await admin.request({ type: 'game.stop' }, { session: world.session });
    const late = uploaded(
      await uploadHttp(
        base,
        server.adminToken,
        { kind: 'period', team: game.catcher, period: game.catcherPeriod },
        await makeImage('webp', 200, 200),
      ),
    );
    const past = await admin.request({ type: 'pastGame.get', id: pastGame });
    const periodOf = (team: number, index: number) => past.teams.find((t) => t.id === team)?.periods[index];
    expect(periodOf(game.catcher, game.catcherPeriod)?.pictures).toEqual([late.id]);
    expect(periodOf(game.caught, game.caughtPeriod)?.pictures).toEqual([late.id]);
    // The journal (game, catch, pictures) replays to the live state, read beside the running server.
    const store = SqliteStore.open(server.dataDir);
    try {
      expect(replayJournal(store)).toMatchObject({ equal: true, refused: [] });
    } finally {
      store.close();
    }
  });
});

describe('reading', () => {
  let world: World;
  let teamPicture: PictureView;

  beforeEach(async () => {
    world = await makeWorld(admin);
    teamPicture = uploaded(
      await uploadHttp(
        base,
        server.adminToken,
        { kind: 'team', team: world.teams.a },
        await makeImage('png', 320, 240),
      ),
    );
  });

  it('[AUTH-8] GET /pictures/:id needs a valid bearer token; a token in the URL is refused', async () => {
    const path = `/pictures/${teamPicture.id}`;
    const none = await getHttp(base, path);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.bytes.toString('utf8'))).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORISED' },
    });
    expect((await getHttp(base, path, { bearer: 'not-a-token' })).status).toBe(401);
    expect((await getHttp(base, path, { query: 'not-a-token' })).status).toBe(401);
    expect((await getHttp(base, `${path}/thumb`, { query: `${server.adminToken}x` })).status).toBe(401);
    const byHeader = await getHttp(base, path, { bearer: server.adminToken });
    expect(byHeader.status).toBe(200);
    // Even a valid token, and even beside a valid header: URLs end up in logs.
    for (const options of [{ query: server.adminToken }, { query: 'x', bearer: server.adminToken }]) {
      const byQuery = await getHttp(base, path, options);
      expect(byQuery.status).toBe(401);
      expect(JSON.parse(byQuery.bytes.toString('utf8'))).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORISED', details: { rule: 'token-in-url' } },
      });
    }
    expect(sha256(byHeader.bytes)).toBe(
      server.server.runtime.current.tables.picture.get(teamPicture.id)?.sha256,
    );
    expect((await getHttp(base, '/pictures/9999', { bearer: server.adminToken })).status).toBe(404);
  });

  it('answers a conditional GET with 304 (pictures never change)', async () => {
    const url = new URL(`/pictures/${teamPicture.id}/thumb`, base);
    const first = await fetch(url, { headers: { authorization: `Bearer ${server.adminToken}` } });
    await first.arrayBuffer();
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await fetch(url, {
      headers: { authorization: `Bearer ${server.adminToken}`, 'if-none-match': found(etag, 'etag') },
    });
    expect(again.status).toBe(304);
    // HEAD: the same headers, no bytes.
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect([head.status, head.headers.get('etag'), head.headers.get('content-length')]).toEqual([
      200,
      etag,
      String(teamPicture.thumb.bytes),
    ]);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('[PICTURE-6] players see the pictures of their own session (and their own), no others', async () => {
    const path = `/pictures/${teamPicture.id}`;
    // Beat is in the session (in the other team): he sees team Alpha's picture.
    expect((await getHttp(base, path, { bearer: world.tokens.b0 })).status).toBe(200);
    // A player of another session does not; the picture does not exist for them.
    const stranger = await getHttp(base, path, { bearer: world.tokens.stranger });
    expect(stranger.status).toBe(404);
    // The stranger's own profile picture: theirs to see, not the other session's.
    const own = uploaded(
      await uploadHttp(
        base,
        world.tokens.stranger,
        { kind: 'player', player: world.stranger },
        await makeImage('jpeg', 50, 50),
      ),
    );
    expect((await getHttp(base, `/pictures/${own.id}`, { bearer: world.tokens.stranger })).status).toBe(200);
    expect((await getHttp(base, `/pictures/${own.id}`, { bearer: world.tokens.a0 })).status).toBe(404);
    // The same rule for picture.get over a player's connection.
    const strangerWs = await openClient({ url: server.url, token: world.tokens.stranger });
    const page = await strangerWs.request({ type: 'picture.get', ids: [teamPicture.id, own.id] });
    expect(page.pictures.map((p) => p.id)).toEqual([own.id]);
    expect(page.missing).toEqual([teamPicture.id]);
    await expect(strangerWs.request({ type: 'picture.chunk', id: teamPicture.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('[PICTURE-6] picture.get pages thumbnails so that no response passes the frame limit', async () => {
    // Noise makes thumbnails as large as they get (about 20 KB each).
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const picture = await admin.request({
        type: 'picture.upload',
        target: { kind: 'player', player: world.players.b1 },
        data: base64(await makeImage('png', 192, 192, { noise: true })),
      });
      ids.push(picture.id);
    }
    const seen: number[] = [];
    let ask = [...ids];
    let pages = 0;
    while (ask.length > 0) {
      const page = await admin.request({ type: 'picture.get', ids: ask });
      pages++;
      expect(JSON.stringify(page).length).toBeLessThan(MAX_FRAME_BYTES);
      expect(page.missing).toEqual([]);
      expect(page.pictures.length).toBeGreaterThan(0);
      for (const p of page.pictures) {
        expect(Buffer.from(p.thumbnail, 'base64').length).toBe(p.thumb.bytes);
        seen.push(p.id);
      }
      ask = page.rest;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(ids);
  });

  it('[PICTURE-4] GET streams a large picture from the store a range at a time', async () => {
    const large = uploaded(
      await uploadHttp(
        base,
        server.adminToken,
        { kind: 'team', team: world.teams.b },
        await makeImage('jpeg', 1600, 1200, { noise: true }),
      ),
    );
    expect(large.bytes).toBeGreaterThan(1024 * 1024);
    const reads = vi.spyOn(SqliteStore.prototype, 'readBlob');
    const full = await getHttp(base, `/pictures/${large.id}`, { bearer: server.adminToken });
    expect(full.bytes.length).toBe(large.bytes);
    const lengths = reads.mock.results.map((r) => (r.value as Buffer).length);
    reads.mockRestore();
    expect(lengths.length).toBeGreaterThan(3);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(256 * 1024);
  });

  it('picture.chunk reads a whole picture in ranges, equal to what HTTP serves', async () => {
    const picture = await admin.request({
      type: 'picture.upload',
      target: { kind: 'team', team: world.teams.b },
      data: base64(await makeImage('jpeg', 700, 500, { noise: true })),
    });
    const parts: Buffer[] = [];
    for (let offset = 0; offset < picture.bytes;) {
      const chunk = await admin.request({ type: 'picture.chunk', id: picture.id, offset, length: 50_000 });
      expect(chunk).toMatchObject({
        id: picture.id,
        variant: 'full',
        mime: 'image/jpeg',
        total: picture.bytes,
        offset,
      });
      const bytes = Buffer.from(chunk.data, 'base64');
      expect(bytes.length).toBe(Math.min(50_000, picture.bytes - offset));
      parts.push(bytes);
      offset += bytes.length;
    }
    const overHttp = await getHttp(base, `/pictures/${picture.id}`, { bearer: server.adminToken });
    expect(Buffer.concat(parts).equals(overHttp.bytes)).toBe(true);
    const past = await admin.request({ type: 'picture.chunk', id: picture.id, offset: picture.bytes });
    expect(past.data).toBe('');
    const thumb = await admin.request({ type: 'picture.chunk', id: picture.id, variant: 'thumb' });
    expect(await decoded(Buffer.from(thumb.data, 'base64'))).toMatchObject({ width: 192, height: 192 });
  });
});

describe('beside the engine', () => {
  it('[PICTURE-3] the engine keeps answering while a large picture is processed', async () => {
    const world = await makeWorld(admin);
    // 20 megapixels of flat colour: a small file that takes a while to decode and scale.
    const large = await makeImage('png', 5000, 4000);
    expect(large.length).toBeLessThan(MAX_FRAME_BYTES / 2);
    const order: string[] = [];
    const upload = admin
      .request({ type: 'picture.upload', target: { kind: 'team', team: world.teams.a }, data: base64(large) })
      .then((picture) => {
        order.push('upload');
        return picture;
      });
    // Sent after the upload on the same connection: the engine has taken the upload (and started its job)
    // before it sees these.
    const pings = Array.from({ length: 3 }, (_, i) =>
      admin.request({ type: 'ping', text: `p${i}` }).then(() => order.push(`ping ${i}`)),
    );
    await Promise.all(pings);
    const picture = await upload;
    expect(order).toEqual(['ping 0', 'ping 1', 'ping 2', 'upload']);
    expect(picture).toMatchObject({ width: 4096, height: 3277 });
  });

  it('[PICTURE-4] pictures survive a restart; the journal keeps no bytes and replays to the same state', async () => {
    const world = await makeWorld(admin);
    const player = uploaded(
      await uploadHttp(
        base,
        world.tokens.a0,
        { kind: 'player', player: world.players.a0 },
        await makeImage('jpeg', 640, 640, { noise: true }),
      ),
    );
    const team = await admin.request({
      type: 'picture.upload',
      target: { kind: 'team', team: world.teams.b },
      data: base64(await makeImage('webp', 300, 200)),
    });
    const before = await getHttp(base, `/pictures/${player.id}`, { bearer: server.adminToken });
    const dataDir = server.dataDir;
    await server.stop();
    closeClients();

    // The journal holds the picture commands with the sha-256 of the bytes, not the bytes.
    const inputs = journalInputs(dataDir).filter((text) => text.includes('picture.processed'));
    expect(inputs).toHaveLength(2);
    for (const text of inputs) {
      expect(text.length).toBeLessThan(4_000);
      expect(text).not.toContain('"data"');
    }
    expect(inputs.some((text) => text.includes(sha256(before.bytes)))).toBe(true);
    const store = SqliteStore.open(dataDir);
    try {
      const report = replayJournal(store);
      expect(report.refused).toEqual([]);
      expect(report.equal).toBe(true);
    } finally {
      store.close();
    }

    server = await startTestServer({ dataDir });
    base = httpBase(server.url);
    admin = await openClient({ socket: server.socketPath });
    expect((await admin.request({ type: 'player.get', id: world.players.a0 })).picture).toBe(player.id);
    const after = await getHttp(base, `/pictures/${player.id}`, { bearer: world.tokens.a0 });
    expect(after.status).toBe(200);
    expect(after.bytes.equals(before.bytes)).toBe(true);
    const thumb = await getHttp(base, `/pictures/${team.id}/thumb`, { bearer: server.adminToken });
    expect(await decoded(thumb.bytes)).toEqual({ format: 'jpeg', width: 192, height: 192 });
    // Ids are never reused.
    const next = await admin.request({
      type: 'picture.upload',
      target: { kind: 'team', team: world.teams.b },
      data: base64(await makeImage('png', 10, 10)),
    });
    expect(next.id).toBe(Math.max(player.id, team.id) + 1);
  });
});
