import { readFileSync } from 'node:fs';
import semver from 'semver';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TruinlagError } from '../../src/client/errors.js';
import { connect } from '../../src/client/node.js';
import { MIN_CLIENT_VERSION, PROTOCOL_VERSION, TRUINLAG_VERSION } from '../../src/protocol/version.js';
import { resolveServerConfig } from '../../src/server/config.js';
import { CLOSE_CODES } from '../../src/transport/close-codes.js';
import {
  closeClients,
  openClient,
  RawUnixClient,
  RawWsClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
  withTimeout,
} from '../helpers/index.js';

/** PROTOCOL-7: the server names the oldest client it accepts, and refuses older ones with a typed error. */

const raws: { close(): void }[] = [];

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  closeClients();
  await stopTestServers();
});

afterAll(() => removeTempDirs());

const hello = (app?: { name: string; version: string }): string =>
  JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, ...(app === undefined ? {} : { app }) });

const older = (version: string): string => {
  const parsed = semver.parse(version) as semver.SemVer;
  return parsed.patch > 0
    ? `${parsed.major}.${parsed.minor}.${parsed.patch - 1}`
    : parsed.minor > 0
      ? `${parsed.major}.${parsed.minor - 1}.99`
      : `${parsed.major - 1}.99.99`;
};

describe('[PROTOCOL-7] the version gate', () => {
  it('an app older than the minimum gets CLIENT_TOO_OLD naming the minimum, and the close 4011', async () => {
    const server = await startTestServer();
    const ws = await RawWsClient.open(server.url);
    raws.push(ws);
    ws.send(hello({ name: 'old-app', version: older(MIN_CLIENT_VERSION) }));
    expect(await ws.inbox.answer(null)).toMatchObject({
      type: 'error',
      error: { code: 'CLIENT_TOO_OLD', details: { minimum: MIN_CLIENT_VERSION } },
    });
    expect((await ws.closed).code).toBe(CLOSE_CODES.CLIENT_TOO_OLD);
    expect(ws.inbox.all.some((m) => m.type === 'welcome')).toBe(false);

    // The local socket has no close codes: the same error, then the end of the stream.
    const unix = await RawUnixClient.open(server.socketPath);
    raws.push(unix);
    unix.send(hello({ name: 'old-cli', version: '0.0.1-alpha' }));
    expect(await unix.inbox.answer(null)).toMatchObject({ error: { code: 'CLIENT_TOO_OLD' } });
    await withTimeout(unix.ended, 10_000, 'the socket ended');
  });

  it('the minimum and anything newer are welcome, and so is a hello that names no app; the welcome says the minimum', async () => {
    const server = await startTestServer();
    for (const app of [
      { name: 'same', version: MIN_CLIENT_VERSION },
      { name: 'newer', version: semver.inc(MIN_CLIENT_VERSION, 'minor') as string },
      { name: 'newer-build', version: `${semver.inc(MIN_CLIENT_VERSION, 'major') as string}-rc.1+abc` },
      undefined,
    ]) {
      const ws = await RawWsClient.open(server.url);
      raws.push(ws);
      ws.send(hello(app));
      expect(await ws.inbox.next((m) => m.type === 'welcome'), JSON.stringify(app)).toMatchObject({
        minClientVersion: MIN_CLIENT_VERSION,
      });
    }
    // A version that is not one is refused like any malformed field; the connection stays usable.
    const ws = await RawWsClient.open(server.url);
    raws.push(ws);
    ws.send(hello({ name: 'vague', version: '1.2' }));
    expect(await ws.inbox.answer(null)).toMatchObject({ error: { code: 'MALFORMED' } });
    ws.send(hello());
    await ws.inbox.next((m) => m.type === 'welcome');
  });

  it('the client library names its own version: accepted at that minimum, refused one patch above it, for good', async () => {
    const exact = await startTestServer({ config: { minClientVersion: TRUINLAG_VERSION } });
    const accepted = await openClient({ url: exact.url });
    expect(accepted.welcome?.minClientVersion).toBe(TRUINLAG_VERSION);

    const minimum = semver.inc(TRUINLAG_VERSION, 'patch') as string;
    const ahead = await startTestServer({ config: { minClientVersion: minimum } });
    const client = connect({ url: ahead.url, appName: 'test-app', backoff: { initialMs: 10, maxMs: 20 } });
    const states: string[] = [];
    client.onConnection((state) => states.push(state.status));
    const refusal: unknown = await client.ready.catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TruinlagError);
    expect(refusal).toMatchObject({ code: 'CLIENT_TOO_OLD', details: { minimum } });
    // It does not retry: a reconnect would be refused the same way.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.connection).toMatchObject({
      status: 'closed',
      reconnecting: false,
      reason: { code: 'CLIENT_TOO_OLD' },
    });
    // (The first attempt's `connecting` came before the listener; there was no other.)
    expect(states.filter((s) => s === 'connecting')).toHaveLength(0);
    expect(states).toContain('closed');
    await expect(client.request({ type: 'ping' })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('the library version is the package version, and the server accepts it by default', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(TRUINLAG_VERSION).toBe(pkg.version);
    expect(semver.lte(MIN_CLIENT_VERSION, TRUINLAG_VERSION)).toBe(true);
  });

  it('a minimum that is not a version stops the server from starting', () => {
    expect(() => resolveServerConfig({}, { TRUINLAG_MIN_CLIENT_VERSION: 'latest' })).toThrow(/1\.2\.3/);
    expect(resolveServerConfig({}, { TRUINLAG_MIN_CLIENT_VERSION: '2.0.0' }).minClientVersion).toBe('2.0.0');
  });
});
