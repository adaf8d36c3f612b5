import { CHALLENGE_DEFAULTS } from '../../src/engine/catalogue/defaults.js';
import Database from 'better-sqlite3';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import type { TruinlagClient } from '../../src/client/node.js';
import type { ChallengeInput } from '../../src/protocol/catalogue.js';
import type { PictureView } from '../../src/protocol/pictures.js';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';
import { found, gameWindowIn } from '../helpers/index.js';

/** Helpers for the picture tests: real images made with sharp, HTTP calls, a small game to catch in. */

export type Format = 'jpeg' | 'png' | 'webp' | 'gif';

/**
 * A real image file. `noise` makes it incompressible (large files, large thumbnails); otherwise it is a
 * gradient-free flat colour with a darker left half (so that a crop can be told apart).
 */
export async function makeImage(
  format: Format,
  width: number,
  height: number,
  options: { noise?: boolean; alpha?: boolean; orientation?: number } = {},
): Promise<Buffer> {
  const channels = options.alpha === true ? 4 : 3;
  let image =
    options.noise === true
      ? sharp({
          create: {
            width,
            height,
            channels,
            background: { r: 0, g: 0, b: 0, alpha: 1 },
            noise: { type: 'gaussian', mean: 128, sigma: 60 },
          },
        })
      : sharp({
          create: {
            width,
            height,
            channels,
            background: { r: 30, g: 140, b: 220, alpha: options.alpha === true ? 0 : 1 },
          },
        });
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  return await image[format]().toBuffer();
}

/** What sharp reads back from bytes the server produced. */
export async function decoded(bytes: Buffer): Promise<{ format: string; width: number; height: number }> {
  const meta = await sharp(bytes).metadata();
  return { format: meta.format, width: meta.width, height: meta.height };
}

export const httpBase = (wsUrl: string): string => wsUrl.replace(/^ws:/, 'http:');

export interface HttpAnswer {
  readonly status: number;
  readonly body: { ok: true; result: PictureView } | { ok: false; error: { code: string; message: string } };
}

/** `POST /pictures?…` with the image as the body. */
export async function uploadHttp(
  base: string,
  token: string | undefined,
  query: Record<string, string | number>,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const url = new URL('/pictures', base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as HttpAnswer['body'] };
}

/** The uploaded picture of a successful answer (fails the test with the error otherwise). */
export function uploaded(answer: HttpAnswer): PictureView {
  if (!answer.body.ok)
    throw new Error(`upload refused: ${answer.status} ${JSON.stringify(answer.body.error)}`);
  return answer.body.result;
}

/** `GET` a path; the body as bytes. */
export async function getHttp(
  base: string,
  path: string,
  auth: { bearer?: string; query?: string } = {},
): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const url = new URL(path, base);
  if (auth.query !== undefined) url.searchParams.set('token', auth.query);
  const response = await fetch(url, {
    headers: auth.bearer === undefined ? {} : { authorization: `Bearer ${auth.bearer}` },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Rows of the blob table of a data directory (read through a separate read-only connection). */
export function blobRows(dataDir: string): { key: string; size: number; sha256: string }[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT key, size, sha256 FROM blob ORDER BY key').all() as {
      key: string;
      size: number;
      sha256: string;
    }[];
  } finally {
    db.close();
  }
}

/** Every journal entry's input text. */
export function journalInputs(dataDir: string): string[] {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT input FROM journal ORDER BY seq').pluck().all() as string[];
  } finally {
    db.close();
  }
}

export interface World {
  readonly session: number;
  readonly otherSession: number;
  /** Two teams of the session, two players each (a0, a1 in team a; b0, b1 in team b). */
  readonly teams: { readonly a: number; readonly b: number };
  readonly players: { readonly a0: number; readonly a1: number; readonly b0: number; readonly b1: number };
  /** A player of another session. */
  readonly stranger: number;
  /** Player tokens from `auth.login`, by player key. */
  readonly tokens: { readonly a0: string; readonly b0: string; readonly stranger: string };
}

/** A session with two teams of two players, a player in another session, and player tokens. */
export async function makeWorld(admin: TruinlagClient): Promise<World> {
  const session = (await admin.request({ type: 'session.add', name: 'Pictures' })).id;
  const otherSession = (await admin.request({ type: 'session.add', name: 'Elsewhere' })).id;
  const player = async (name: string, s: number): Promise<number> =>
    (await admin.request({ type: 'player.add', name, passphrase: `pass-phrase-${name}`, session: s })).id;
  const players = {
    a0: await player('anna', session),
    a1: await player('andri', session),
    b0: await player('beat', session),
    b1: await player('bea', session),
  };
  const stranger = await player('fremd', otherSession);
  const team = async (name: string): Promise<number> =>
    (await admin.request({ type: 'team.add', name }, { session })).id;
  const teams = { a: await team('Alpha'), b: await team('Zebra') };
  for (const [key, id] of Object.entries(players)) {
    await admin.request(
      { type: 'team.assign', player: id, team: key.startsWith('a') ? teams.a : teams.b },
      { session },
    );
  }
  const login = async (name: string): Promise<string> =>
    (await admin.request({ type: 'auth.login', passphrase: `pass-phrase-${name}` })).token;
  return {
    session,
    otherSession,
    teams,
    players,
    stranger,
    tokens: { a0: await login('anna'), b0: await login('beat'), stranger: await login('fremd') },
  };
}

const challenge = (title: string): ChallengeInput => ({
  ...CHALLENGE_DEFAULTS,
  kind: 'Unspezifisch',
  status: 'Approved',
  title,
  description: 'A challenge.',
  additionalPoints: 100,
  sets: [],
});

/**
 * Starts a game in the world's session (one catcher) and lets the catcher catch the runner. Returns
 * which team caught which, and the two linked period indices. The game day is set around the server's clock
 * as its welcome told it (a fake clock in some suites, the real one in others).
 */
export async function playCatch(
  admin: TruinlagClient,
  world: World,
): Promise<{ catcher: number; caught: number; catcherPeriod: number; caughtPeriod: number }> {
  const session = world.session;
  const set = (await admin.request({ type: 'set.add', name: 'Alle' })).id;
  for (const title of ['Eins', 'Zwei', 'Drei', 'Vier'])
    await admin.request({ type: 'challenge.add', challenge: { ...challenge(title), sets: [set] } });
  await admin.request({
    type: 'zone.add',
    zone: {
      number: 110,
      numConnZones: 9,
      numConnections: 400,
      trainThrough: true,
      mongus: false,
      sBahnZone: true,
      minutesTo: {},
      closeSectors: [],
    },
  });
  // The sessions' zone is the default, Europe/Zurich; the game day is around the server clock's now.
  const now = found(admin.welcome?.serverTime, 'the server clock in the welcome');
  const window = gameWindowIn('Europe/Zurich', now);
  await admin.request({ type: 'config.set', changes: { numCatchers: 1, ...window } }, { session });
  const started = await admin.request({ type: 'game.start' }, { session });
  const catcher = started.teams.find((t) => t.role === 'Catcher');
  const runner = started.teams.find((t) => t.role === 'Runner');
  if (catcher === undefined || runner === undefined) throw new Error('no catcher and runner');
  const caught = await admin.request(
    // Nobody has a location here: the game master catches without the position check (CATCH-6).
    { type: 'catch', catcher: catcher.id, caught: runner.id, periodId: catcher.periodId, override: true },
    { session },
  );
  const caughtTeam = found(
    (await admin.request({ type: 'team.list' }, { session })).find((t) => t.id === runner.id),
    `team ${runner.id}`,
  );
  const caughtPeriod = caughtTeam.periods.length - 1;
  return { catcher: catcher.id, caught: runner.id, catcherPeriod: caught.period, caughtPeriod };
}

/** An HTTP answer as a raw upload receives it. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An upload whose body the test sends piece by piece (or not at all), on its own connection. */
export interface OpenUpload {
  /** The answer whenever it comes; undefined when the connection ended without one. */
  readonly answer: Promise<RawAnswer | undefined>;
  /** Sends more of the body (ignored once the connection is gone). */
  send(bytes: Buffer): void;
  /** Sends the rest of the body and ends it. */
  end(bytes: Buffer): void;
  /** Drops the connection. */
  destroy(): void;
}

/** Starts `POST /pictures?…` declaring a body of `declaredBytes`, and sends nothing of it yet. */
export function openUpload(
  base: string,
  token: string,
  query: Record<string, string | number>,
  declaredBytes: number,
): OpenUpload {
  const url = new URL('/pictures', base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-length': declaredBytes },
  });
  const answer = new Promise<RawAnswer | undefined>((resolve) => {
    let responded = false;
    req.on('response', (res) => {
      responded = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => {
      if (!responded) resolve(undefined);
    });
    req.on('close', () => {
      if (!responded) resolve(undefined);
    });
  });
  req.flushHeaders();
  return {
    answer,
    send: (bytes) => {
      if (!req.destroyed) req.write(bytes);
    },
    end: (bytes) => {
      if (!req.destroyed) req.end(bytes);
    },
    destroy: () => req.destroy(),
  };
}
