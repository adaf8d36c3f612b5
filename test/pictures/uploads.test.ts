import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import type { Inbound } from '../../src/runtime/inbound.js';
import { UPLOADS_FOLDER } from '../../src/server/server.js';
import type { UploadLimits } from '../../src/server/upload-limits.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  waitFor,
  type TestServer,
} from '../helpers/index.js';
import {
  httpBase,
  makeImage,
  makeWorld,
  openUpload,
  uploaded,
  uploadHttp,
  type OpenUpload,
  type RawAnswer,
  type World,
} from './support.js';

/** HTTP uploads: streamed to disk beside the engine, within caps and a pace (PICTURE-7 to PICTURE-9). */

const opened: OpenUpload[] = [];

afterEach(async () => {
  for (const upload of opened.splice(0)) upload.destroy();
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

async function serverWith(
  uploads: Partial<UploadLimits>,
): Promise<{ server: TestServer; admin: TruinlagClient; world: World; base: string }> {
  const server = await startTestServer({ config: { uploads } });
  const admin = await openClient({ socket: server.socketPath });
  return { server, admin, world: await makeWorld(admin), base: httpBase(server.url) };
}

function open(...args: Parameters<typeof openUpload>): OpenUpload {
  const upload = openUpload(...args);
  opened.push(upload);
  return upload;
}

const uploadsOf = (server: TestServer): string[] => readdirSync(join(server.dataDir, UPLOADS_FOLDER));

function refusedWith(answer: RawAnswer | undefined): { status: number; code: string; message: string } {
  if (answer === undefined) throw new Error('the connection ended without an answer');
  const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
  return { status: answer.status, ...body.error };
}

describe('[PICTURE-7] streamed to disk beside the engine', () => {
  it('[PICTURE-7] a body in flight is a file in the uploads folder; the engine only ever gets its name', async () => {
    const { server, world, base } = await serverWith({});
    const submitted: string[] = [];
    const runtime = server.server.runtime;
    const submit = runtime.submit.bind(runtime);
    vi.spyOn(runtime, 'submit').mockImplementation((item: Inbound) => {
      submitted.push(JSON.stringify(item.command));
      submit(item);
    });
    const image = await makeImage('jpeg', 1600, 1200, { noise: true });
    expect(image.length).toBeGreaterThan(1024 * 1024);
    const upload = open(base, world.tokens.a0, { kind: 'team', team: world.teams.a }, image.length);
    upload.send(image.subarray(0, 600_000));
    // The first part is on disk while the rest has not been sent.
    const [name] = await waitFor(
      () => {
        const names = uploadsOf(server);
        const name = names[0];
        return name !== undefined && statSync(join(server.dataDir, UPLOADS_FOLDER, name)).size >= 500_000
          ? names
          : undefined;
      },
      10_000,
      'the upload file',
    );
    upload.end(image.subarray(600_000));
    const answer = await upload.answer;
    expect(answer?.status).toBe(200);
    const picture = (JSON.parse(answer?.body ?? '') as { result: { id: number; owner: number } }).result;
    expect(picture.owner).toBe(world.teams.a);
    // The engine got the file's name, never its bytes; nothing is left in the folder.
    const received = submitted.find((text) => text.includes('picture.received'));
    expect(JSON.parse(received ?? '{}')).toMatchObject({ type: 'picture.received', upload: name });
    expect(Math.max(...submitted.map((text) => text.length))).toBeLessThan(4096);
    expect(uploadsOf(server)).toEqual([]);
  });
});

describe('[PICTURE-8] caps on uploads running at once', () => {
  it('[PICTURE-8] a login has at most perLogin uploads at once (429), the server at most total (503), both with Retry-After', async () => {
    const { server, world, base } = await serverWith({ perLogin: 2, total: 3, stallMs: 60_000 });
    const image = await makeImage('png', 120, 90);
    const team = { kind: 'team', team: world.teams.a };
    const held = [
      open(base, server.adminToken, team, image.length),
      open(base, server.adminToken, team, image.length),
    ];
    for (const upload of held) upload.send(image.subarray(0, 10));
    await waitFor(() => uploadsOf(server).length === 2, 5_000, 'two uploads running');

    const third = await fetchUpload(base, server.adminToken, team, image);
    expect(refusedWith(third)).toMatchObject({ status: 429, code: 'TOO_MANY_UPLOADS' });
    expect(third.headers['retry-after']).toBe('5');
    // Another login still has room, up to the server's total.
    const anna = open(base, world.tokens.a0, team, image.length);
    anna.send(image.subarray(0, 10));
    await waitFor(() => uploadsOf(server).length === 3, 5_000, 'three uploads running');
    const beat = await fetchUpload(base, world.tokens.b0, { kind: 'team', team: world.teams.b }, image);
    expect(refusedWith(beat)).toMatchObject({ status: 503, code: 'UPLOADS_BUSY' });
    expect(beat.headers['retry-after']).toBe('5');

    // A finished upload gives its slot back.
    held[0]?.end(image.subarray(10));
    expect((await held[0]?.answer)?.status).toBe(200);
    const again = await uploadHttp(base, world.tokens.b0, { kind: 'team', team: world.teams.b }, image);
    expect(uploaded(again).owner).toBe(world.teams.b);
  });
});

describe('[PICTURE-9] the pace of an upload', () => {
  it('[PICTURE-9] a stalled body and a trickle are cut with 408 UPLOAD_TOO_SLOW; nothing is kept', async () => {
    const { server, world, base } = await serverWith({ stallMs: 500 });
    const before = server.server.runtime.current.nextIds.picture;
    const team = { kind: 'team', team: world.teams.a };
    const stalled = open(base, world.tokens.a0, team, 100_000);
    stalled.send(Buffer.alloc(100, 1));
    const trickle = open(base, world.tokens.a0, team, 100_000);
    const dripping = setInterval(() => trickle.send(Buffer.alloc(10, 1)), 100);
    const started = Date.now();
    try {
      for (const upload of [stalled, trickle]) {
        const answer = refusedWith(await upload.answer);
        expect(answer).toMatchObject({ status: 408, code: 'UPLOAD_TOO_SLOW' });
        expect(answer.message).toMatch(/less than 1 KiB in 0.5 s/);
      }
    } finally {
      clearInterval(dripping);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(uploadsOf(server)).toEqual([]);
    expect(server.server.runtime.current.nextIds.picture).toBe(before);
    // Their slots are free again.
    const image = await makeImage('webp', 64, 64);
    expect(uploaded(await uploadHttp(base, world.tokens.a0, team, image)).owner).toBe(world.teams.a);
  });

  it('[PICTURE-9] a body that keeps coming but takes longer than the time limit is cut', async () => {
    const { server, world, base } = await serverWith({ stallMs: 300, timeLimitMs: 1_500 });
    const upload = open(base, world.tokens.b0, { kind: 'team', team: world.teams.b }, 1_000_000);
    // 20 KiB/s: well above the minimum progress, far too slow for a megabyte in 1.5 s.
    const dripping = setInterval(() => upload.send(Buffer.alloc(2048, 1)), 100);
    try {
      const answer = refusedWith(await upload.answer);
      expect(answer).toMatchObject({ status: 408, code: 'UPLOAD_TOO_SLOW' });
      expect(answer.message).toMatch(/took longer than 1.5 s/);
    } finally {
      clearInterval(dripping);
    }
    expect(uploadsOf(server)).toEqual([]);
  });
});

/** An upload through fetch, with the answer's headers. */
async function fetchUpload(
  base: string,
  token: string,
  query: Record<string, string | number>,
  body: Buffer,
): Promise<RawAnswer> {
  const url = new URL('/pictures', base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: new Uint8Array(body),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  return { status: response.status, headers, body: await response.text() };
}
