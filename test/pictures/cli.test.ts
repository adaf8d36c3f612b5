import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { PictureView } from '../../src/protocol/pictures.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  runCli,
  startTestServer,
  stopTestServers,
  tempDir,
  type TestServer,
} from '../helpers/index.js';
import {
  decoded,
  getHttp,
  httpBase,
  makeImage,
  makeWorld,
  uploaded,
  uploadHttp,
  type World,
} from './support.js';

/** `truinlag picture upload|get` against a real server, over the local socket and over WebSocket/HTTP. */

let server: TestServer;
let admin: TruinlagClient;
let world: World;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await openClient({ socket: server.socketPath });
  world = await makeWorld(admin);
  dir = tempDir();
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

const overSocket = (): string[] => ['--socket', server.socketPath, '--json'];
const overUrl = (): string[] => ['--url', server.url, '--token', server.adminToken, '--json'];

async function file(name: string, bytes: Promise<Buffer>): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await bytes);
  return path;
}

// Each CLI run is a fresh Node process (through tsx): slow on a loaded machine.
describe('truinlag picture', { timeout: 90_000 }, () => {
  it('upload --player over the local socket sets the profile picture', async () => {
    const path = await file('small.png', makeImage('png', 300, 200));
    const run = await runCli([
      ...overSocket(),
      'picture',
      'upload',
      path,
      '--player',
      String(world.players.a0),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const picture = JSON.parse(run.stdout) as PictureView;
    expect(picture).toMatchObject({ kind: 'player', owner: world.players.a0, width: 300, height: 200 });
    expect((await admin.request({ type: 'player.get', id: world.players.a0 })).picture).toBe(picture.id);
  });

  it('upload of a large file goes over HTTP with --url, and is refused over the socket', async () => {
    const path = await file('large.png', makeImage('png', 700, 700, { noise: true }));
    expect(readFileSync(path).length).toBeGreaterThan(1024 * 1024);
    const refused = await runCli([
      ...overSocket(),
      'picture',
      'upload',
      path,
      '--team',
      String(world.teams.b),
    ]);
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toMatch(/--url/);
    const run = await runCli([...overUrl(), 'picture', 'upload', path, '--team', String(world.teams.b)]);
    expect(run.stderr).toBe('');
    const picture = JSON.parse(run.stdout) as PictureView;
    expect(picture).toMatchObject({ kind: 'team', owner: world.teams.b, width: 700, height: 700 });
    const team = (await admin.request({ type: 'team.list' }, { session: world.session })).find(
      (t) => t.id === world.teams.b,
    );
    expect(team?.picture).toBe(picture.id);
  });

  it('upload reports the server’s refusal: a file that is not a picture', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a picture\n');
    for (const transport of [overSocket(), overUrl()]) {
      const run = await runCli([...transport, 'picture', 'upload', path, '--team', String(world.teams.a)]);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'PICTURE_PROBLEM' } });
    }
  });

  it('upload needs exactly one target', async () => {
    const path = await file('t.webp', makeImage('webp', 20, 20));
    const run = await runCli([...overSocket(), 'picture', 'upload', path, '--player', '1', '--team', '2']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'MALFORMED' } });
  });

  let stored: PictureView;
  const storedPicture = async (): Promise<PictureView> => {
    stored ??= uploaded(
      await uploadHttp(
        httpBase(server.url),
        server.adminToken,
        { kind: 'team', team: world.teams.a },
        await makeImage('png', 1400, 1000, { noise: true }),
      ),
    );
    return stored;
  };

  it('get --thumb writes the 192×192 thumbnail to a file (local socket)', async () => {
    const picture = await storedPicture();
    const thumbFile = join(dir, 'thumb.jpg');
    const thumb = await runCli([
      ...overSocket(),
      'picture',
      'get',
      String(picture.id),
      '--thumb',
      '--out',
      thumbFile,
    ]);
    expect(thumb.stderr).toBe('');
    expect(JSON.parse(thumb.stdout)).toMatchObject({
      id: picture.id,
      variant: 'thumb',
      bytes: picture.thumb.bytes,
    });
    expect(await decoded(readFileSync(thumbFile))).toEqual({ format: 'jpeg', width: 192, height: 192 });
  });

  it('get writes the whole picture, as HTTP serves it (WebSocket, several chunks)', async () => {
    const picture = await storedPicture();
    const fullFile = join(dir, 'full.jpg');
    const full = await runCli([...overUrl(), 'picture', 'get', String(picture.id), '--out', fullFile]);
    expect(full.stderr).toBe('');
    const served = await getHttp(httpBase(server.url), `/pictures/${picture.id}`, {
      bearer: server.adminToken,
    });
    expect(served.bytes.length).toBeGreaterThan(512 * 1024);
    expect(readFileSync(fullFile).equals(served.bytes)).toBe(true);
  });

  it('get of an unknown picture fails with NOT_FOUND', async () => {
    const missing = await runCli([...overSocket(), 'picture', 'get', '9999', '--out', join(dir, 'x.jpg')]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
