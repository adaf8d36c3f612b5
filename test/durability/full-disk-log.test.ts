import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TruinlagError } from '../../src/client/errors.js';
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

const mounted: string[] = [];
afterEach(async () => {
  closeClients();
  await killSpawnedServers();
});
afterAll(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
  removeTempDirs();
});

/** A small tmpfs at a fresh directory, or undefined where mounting is not permitted (not root). */
function smallDisk(size: string): string | undefined {
  const dir = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounted.push(dir);
  return dir;
}

/** Writes a file into `dir` until the disk is full. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
  return file;
}

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withTimeout(promise, 5_000, what);

async function healthz(url: string): Promise<number> {
  const response = await fetch(`${url.replace('ws://', 'http://')}/healthz`);
  return response.status;
}

describe(
  '[LOG-1] a log that cannot be written never stops the server',
  { timeout: CHILD_PROCESS_TEST_MS },
  () => {
    it('with stderr on a full disk and commits failing, requests and /healthz are still answered', async () => {
      const logDisk = smallDisk('64k');
      const dataDisk = smallDisk('8m');
      // Without tmpfs (not root): stderr on /dev/full fails every write the same way (ENOSPC).
      const stderrPath = logDisk === undefined ? '/dev/full' : join(logDisk, 'stderr.log');
      if (logDisk !== undefined) fill(logDisk);
      const dataDir = join(dataDisk ?? tempDir(), 'data');
      mkdirSync(dataDir);
      const stderrFd = openSync(stderrPath, 'w');
      const server = await spawnServer(dataDir, { stderrFd, env: { TRUINLAG_LOG_LEVEL: 'debug' } });
      closeSync(stderrFd);
      const admin = await openClient({ socket: server.socketPath });
      await within(admin.request({ type: 'session.add', name: 'Before' }), 'a write before the disk fills');

      if (dataDisk !== undefined) {
        const filler = fill(dataDisk);
        // Every commit fails now and is logged as an error, to a log that cannot take it.
        for (let i = 0; i < 3; i++) {
          const failed = await within(
            admin.request({ type: 'session.add', name: `Full ${i}` }).catch((e: unknown) => e),
            'a refused write',
          );
          expect(failed).toBeInstanceOf(TruinlagError);
          expect((failed as TruinlagError).code).toBe('INTERNAL');
        }
        rmSync(filler);
      }
      expect(await within(admin.request({ type: 'ping' }), 'ping')).toEqual({ text: null });
      expect(await within(healthz(server.url), '/healthz')).toBe(200);
      const sessions = await within(admin.request({ type: 'session.list' }), 'a read');
      expect(sessions.map((s) => s.name)).toEqual(['Before']);
      // With room again, writes go through again.
      await within(admin.request({ type: 'session.add', name: 'After' }), 'a write after');
      expect(server.child.exitCode).toBeNull();
    });
  },
);
