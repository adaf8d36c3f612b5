import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UPLOADS_FOLDER } from '../../src/server/server.js';
import {
  CHILD_PROCESS_TEST_MS,
  closeClients,
  killSpawnedServers,
  openClient,
  removeTempDirs,
  spawnServer,
  tempDir,
  withTimeout,
} from '../helpers/index.js';
import { httpBase, makeImage, openUpload, uploaded, uploadHttp, type OpenUpload } from './support.js';

/**
 * The flood that took a server to 1.95 GB: 150 uploads that send a large part of their body and stall.
 * A real server process, so that its memory is measured alone.
 */

const STALLED = 150;
const SENT_BYTES = 2 * 1024 * 1024;
const STALL_MS = 3_000;
const opened: OpenUpload[] = [];

afterEach(async () => {
  for (const upload of opened.splice(0)) upload.destroy();
  closeClients();
  await killSpawnedServers();
  removeTempDirs();
});

/** Resident and peak resident memory of a process, in MiB (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

describe('stalled uploads against a server process', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  it('[PICTURE-7] [PICTURE-8] [PICTURE-9] 150 stalled 10 MiB uploads keep memory bounded and are all cut', async () => {
    const dataDir = tempDir();
    const server = await spawnServer(dataDir, { env: { TRUINLAG_UPLOAD_STALL_MS: String(STALL_MS) } });
    const pid = server.child.pid ?? 0;
    const admin = await openClient({ socket: server.socketPath });
    const session = (await admin.request({ type: 'session.add', name: 'Flut' })).id;
    const team = (await admin.request({ type: 'team.add', name: 'Alle' }, { session })).id;
    // Ten players of the team, each with a token: more logins than the server takes uploads at once.
    const tokens: string[] = [server.adminToken];
    for (let i = 0; i < 10; i++) {
      const passphrase = `eine lange passphrase ${i}`;
      const player = await admin.request({ type: 'player.add', name: `p${i}`, passphrase, session });
      await admin.request({ type: 'team.assign', player: player.id, team }, { session });
      tokens.push((await admin.request({ type: 'auth.login', passphrase })).token);
    }
    const base = httpBase(server.url);
    // Warm up the upload path, then measure from there.
    const image = await makeImage('jpeg', 200, 150);
    uploaded(await uploadHttp(base, server.adminToken, { kind: 'team', team }, image));
    const before = memoryOf(pid);

    const part = Buffer.alloc(SENT_BYTES, 0xab);
    const started = Date.now();
    for (let i = 0; i < STALLED; i++) {
      const upload = openUpload(
        base,
        tokens[i % tokens.length] ?? '',
        { kind: 'team', team },
        10 * 1024 * 1024,
      );
      upload.send(part);
      opened.push(upload);
    }
    const answers = await withTimeout(
      Promise.all(opened.map((upload) => upload.answer)),
      STALL_MS + 30_000,
      'answers to every stalled upload',
    );
    const after = memoryOf(pid);
    const statuses = answers.map((answer) => answer?.status ?? 0);
    const count = (status: number): number => statuses.filter((s) => s === status).length;
    // Every upload ended: refused at once (a cap), or cut off once it stalled. A client still sending
    // when its refusal comes may see its connection reset before it reads the answer (0).
    expect(statuses.filter((s) => ![0, 408, 429, 503].includes(s))).toEqual([]);
    expect(count(408)).toBeGreaterThan(0);
    expect(count(408)).toBeLessThanOrEqual(32);
    expect(Date.now() - started).toBeLessThan(STALL_MS + 25_000);
    // Buffered, the bodies alone were 300 MiB; streamed, memory grows by little more than sockets.
    expect(after.peak - before.rss).toBeLessThan(120);
    expect(readdirSync(join(dataDir, UPLOADS_FOLDER))).toEqual([]);
    // And the server takes uploads again.
    uploaded(await uploadHttp(base, tokens[1] ?? '', { kind: 'team', team }, image));
  });
});
