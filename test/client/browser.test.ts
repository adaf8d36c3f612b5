import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorld } from '../auth/support.js';
import {
  CHILD_PROCESS_TEST_MS,
  CHILD_START_MS,
  childEnv,
  closeClients,
  openClient,
  REPO_ROOT,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  waitFor,
  withTimeout,
} from '../helpers/index.js';
import { recordPings } from './support.js';

afterEach(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

type ExportTarget = { readonly types: string; readonly default: string };

/** Where the package's `exports` map sends a subpath (the built files). */
function exportOf(subpath: string): ExportTarget {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, ExportTarget>;
  };
  const target = manifest.exports[subpath];
  if (target === undefined) throw new Error(`package.json exports no ${subpath}`);
  for (const file of [target.types, target.default])
    if (!existsSync(join(REPO_ROOT, file)))
      throw new Error(`${file} is missing: run \`npm run build\` first`);
  return target;
}

/**
 * Every module the built file imports, directly or through the package's own files: the files it
 * reaches and the bare specifiers (packages and Node built-ins) it asks for on the way.
 */
function importGraph(entry: string): { files: string[]; bare: string[] } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles)
      if (fileName.startsWith('.')) visit(resolve(dirname(file), fileName));
      else bare.add(fileName);
  };
  visit(join(REPO_ROOT, entry));
  return { files: [...files], bare: [...bare].sort() };
}

const isNodeOnly = (specifier: string): boolean =>
  specifier.startsWith('node:') ||
  builtinModules.includes(specifier.split('/')[0] ?? '') ||
  specifier === 'ws';

/** Node globals a browser does not have, used as code (a word followed by `.` or `(`). */
const NODE_GLOBALS = /\b(Buffer|process|require|__dirname|__filename)\s*[.(]/;

describe('truinlag/client/browser', () => {
  it('imports nothing that needs Node: no node:, ws or net, no Node globals; only the protocol imports zod', () => {
    // The client finds session scopes in a generated list, not in the schemas: it loads no zod at all.
    const outside = { './client/browser': [], './protocol': ['zod'] };
    for (const [subpath, packages] of Object.entries(outside)) {
      const { files, bare } = importGraph(exportOf(subpath).default);
      expect(bare.filter(isNodeOnly), subpath).toEqual([]);
      expect(bare, subpath).toEqual(packages);
      expect(
        files.filter((file) => NODE_GLOBALS.test(readFileSync(file, 'utf8'))),
        subpath,
      ).toEqual([]);
    }
    // The same walk finds the Node entry's Node-only imports (so it would find them above).
    expect(importGraph(exportOf('./client').default).bare.filter(isNodeOnly)).toEqual(['node:net', 'ws']);
  });

  it('refuses the Node-only local socket with a TypeError', async () => {
    const { connect } = await import('truinlag/client/browser');
    expect(() => connect({ socket: '/tmp/truinlag.sock' })).toThrow(TypeError);
  });

  it(
    'runs as a phone’s browser would: login, an outbox action re-sent after a reload takes effect once, resume, refusal',
    { timeout: CHILD_PROCESS_TEST_MS },
    async () => {
      const server = await startTestServer();
      const admin = await openClient({ socket: server.socketPath });
      const world = await makeWorld(admin, 'B', 1);
      const adminPings = recordPings(admin);
      const run = await runPhone({
        TL_URL: server.url,
        TL_PASSPHRASE: world.passphrases[0] as string,
        TL_CLIENT_ID: 'phone-browser-1',
      });
      const player = world.players[0]?.id;
      expect(run.first).toMatchObject({
        guest: 'guest',
        player,
        states: ['open guest', 'open player', 'closed CLOSED'],
        // Its own session's stream and the global one (VISIBILITY-1).
        since: {
          global: expect.any(Number) as number,
          [String(world.session.id)]: expect.any(Number) as number,
        },
      });
      expect(run.reloaded).toEqual({
        role: 'player',
        player,
        answers: [{ text: 'answered action' }, { text: 'in-flight action' }],
        pings: ['in-flight action', 'mark'],
        states: ['open player', 'closed CLOSED'],
      });
      expect(run.refused).toEqual({ refusal: 'UNAUTHORISED', states: ['closed UNAUTHORISED'] });
      expect(run.socketChoice).toBe('TypeError');
      // The server applied each action once, however the two loads shared it.
      await waitFor(() => adminPings.includes('mark'), 10_000, 'the mark at the admin');
      expect(adminPings).toEqual(['answered action', 'in-flight action', 'mark']);
    },
  );
});

interface PhoneRun {
  first: Record<string, unknown>;
  reloaded: Record<string, unknown>;
  refused: Record<string, unknown>;
  socketChoice: string;
}

/** Runs test/client/browser-phone.ts in a Node child with the global WebSocket and returns its report. */
async function runPhone(env: Record<string, string>): Promise<PhoneRun> {
  const child = spawn(
    process.execPath,
    ['--experimental-websocket', '--import', 'tsx', 'test/client/browser-phone.ts'],
    { cwd: REPO_ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await withTimeout(
    new Promise<number | null>((done) => child.once('close', done)),
    CHILD_START_MS,
    'the browser client child',
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (code !== 0) throw new Error(`the browser client child exited with ${code}:\n${stdout}\n${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PhoneRun;
}
