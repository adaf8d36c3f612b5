import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv, cliEntry, REPO_ROOT } from '../helpers/server.js';
import { removeTempDirs, tempDir } from '../helpers/temp.js';
import { freePort } from './support/nats-cluster.js';

const NATS_SERVER = '/usr/sbin/nats-server';
const stopped: (() => void)[] = [];
afterEach(() => {
  for (const stop of stopped.splice(0)) stop();
  removeTempDirs();
});

/** Runs a process to its end (at most `limitMs`): its exit code (null: still running) and its output. */
function runToEnd(args: string[], limitMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: REPO_ROOT,
    env: childEnv({ TRUINLAG_LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, output });
    }, limitMs);
    child.once('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, output });
    });
  });
}

describe('a node that cannot join its cluster', { timeout: 60_000 }, () => {
  it('[CLUSTER-1] exits with an error instead of hanging: NATS without JetStream', async () => {
    const port = await freePort();
    const nats = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    stopped.push(() => nats.kill('SIGKILL'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const args = ['serve', '--port', '0', '--data', tempDir(), '--nats', `nats://127.0.0.1:${port}`];
    const { code, output } = await runToEnd([...args, '--node', 'lonely'], 30_000);
    expect(code, output).toBe(1);
    expect(output).toMatch(/jetstream is not enabled/i);
  });
});
