import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '../helpers/temp.js';
import { runToEnd } from './support/cluster-nodes.js';
import { freePort } from './support/nats-cluster.js';

const NATS_SERVER = '/usr/sbin/nats-server';
const stopped: (() => void)[] = [];
afterEach(() => {
  for (const stop of stopped.splice(0)) stop();
  removeTempDirs();
});

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
