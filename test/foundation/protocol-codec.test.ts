import { describe, expect, it } from 'vitest';
import { decodeClientMessage, type DecodeResult } from '../../src/protocol/codec.js';
import * as core from '../../src/protocol/commands/core.js';
import { COMMAND_DEFS, type CommandType } from '../../src/protocol/commands/index.js';
import * as timers from '../../src/protocol/commands/timers.js';
import type { Scope } from '../../src/protocol/define.js';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../src/protocol/version.js';

const decode = (value: unknown): DecodeResult => decodeClientMessage(JSON.stringify(value));
const request = (command: unknown, extra: Record<string, unknown> = {}): DecodeResult =>
  decode({ type: 'request', id: 'r-1', command, ...extra });

function expectError(
  result: DecodeResult,
  code: string,
  id: string | null,
): { path: string; message: string }[] {
  expect(result.ok).toBe(false);
  if (result.ok) return [];
  expect(result.error.code).toBe(code);
  expect(result.id).toBe(id);
  expect(typeof result.error.message).toBe('string');
  return result.error.details?.issues ?? [];
}

describe('hello', () => {
  it.each([
    ['minimal', { type: 'hello', protocol: PROTOCOL_VERSION }],
    ['with a client id', { type: 'hello', protocol: 1, client: 'client-12345' }],
    ['with a token', { type: 'hello', protocol: 1, token: 't' }],
    ['with resume points', { type: 'hello', protocol: 1, since: { global: 4, '12': 0 } }],
    ['a command-only connection', { type: 'hello', protocol: 1, broadcasts: false }],
    ['another protocol version (refused later, by the connection)', { type: 'hello', protocol: 99 }],
    [
      'with everything',
      { type: 'hello', protocol: 1, client: 'c'.repeat(64), token: 'x'.repeat(200), since: { '1': 1 } },
    ],
  ])('accepts %s', (_name, hello) => {
    expect(decode(hello)).toEqual({ ok: true, message: { kind: 'hello', hello } });
  });

  it.each([
    ['a missing protocol', { type: 'hello' }, 'protocol'],
    ['a fractional protocol', { type: 'hello', protocol: 1.5 }, 'protocol'],
    ['a string protocol', { type: 'hello', protocol: '1' }, 'protocol'],
    ['a too short client id', { type: 'hello', protocol: 1, client: 'short' }, 'client'],
    ['a too long client id', { type: 'hello', protocol: 1, client: 'c'.repeat(65) }, 'client'],
    ['an empty token', { type: 'hello', protocol: 1, token: '' }, 'token'],
    ['a bad stream key', { type: 'hello', protocol: 1, since: { lobby: 1 } }, 'since.lobby'],
    ['a zero-padded stream key', { type: 'hello', protocol: 1, since: { '01': 1 } }, 'since.01'],
    ['a negative seq', { type: 'hello', protocol: 1, since: { global: -1 } }, 'since.global'],
    ['an extra key', { type: 'hello', protocol: 1, role: 'admin' }, ''],
    ['a string broadcasts flag', { type: 'hello', protocol: 1, broadcasts: 'no' }, 'broadcasts'],
  ])('refuses %s with MALFORMED at its path', (_name, hello, path) => {
    const issues = expectError(decode(hello), 'MALFORMED', null);
    expect(issues.map((i) => i.path)).toContain(path);
  });
});

const CHALLENGE = {
  kind: 'Kaff',
  sets: [1],
  status: 'Approved',
  title: 'Visit the Kaff',
  description: null,
  place: 'Hinterdorf',
  randomPlace: null,
  comment: '',
  kaffskala: 4,
  grade: null,
  zones: [110],
  sectors: [],
  biasSat: 1,
  biasSun: 1,
  walkingTime: 5,
  stationaryTime: 10,
  additionalPoints: 0,
  repetitions: { min: 0, max: 0 },
  pointsPerRep: 0,
  stationDistance: 0,
  timeToHb: 30,
  departures: 2,
  deadEnd: false,
  noDisembark: false,
  fixed: false,
  inPerimeterOverride: null,
  translatedTitles: { en: 'Visit the hamlet' },
  translatedDescriptions: {},
  action: { type: 'Trap', stuckMinutes: 5, catcherMessage: null },
};

const ZONE = {
  number: 110,
  numConnZones: 3,
  numConnections: 12,
  trainThrough: true,
  mongus: false,
  sBahnZone: true,
  minutesTo: { '2': 14 },
  closeSectors: [1],
};

/** The commands of the foundation (issue 2): core and timers. Each must have a valid form below. */
type DefinedIn<M> = Extract<M[keyof M], { readonly scope: Scope; readonly type: string }>['type'];
type FoundationType = DefinedIn<typeof core> | DefinedIn<typeof timers>;
const FOUNDATION_TYPES = [...Object.values(core), ...Object.values(timers)].flatMap((value) =>
  typeof value === 'object' && 'scope' in value && 'access' in value ? [value.type] : [],
);

/**
 * Valid wire forms: every foundation command (a missing one is a compile error) and the catalogue's.
 * Commands added later get their own decode tests with their issue.
 */
const VALID: { readonly [T in FoundationType]: readonly Record<string, unknown>[] } & {
  readonly [T in CommandType]?: readonly Record<string, unknown>[];
} = {
  ping: [{ type: 'ping' }, { type: 'ping', text: 'hi' }, { type: 'ping', text: '' }],
  'state.get': [{ type: 'state.get' }],
  'session.add': [
    { type: 'session.add', name: 'Zürich' },
    { type: 'session.add', name: 'Winter', mode: 'Gfrorefurz', timeZone: 'Europe/Zurich' },
  ],
  'session.list': [{ type: 'session.list' }],
  'ids.partition': [{ type: 'ids.partition' }],
  'player.add': [
    { type: 'player.add', name: 'Anna', passphrase: 'four' },
    { type: 'player.add', name: 'Ben', passphrase: 'p'.repeat(200), session: 3 },
  ],
  'player.list': [{ type: 'player.list' }],
  'server.shutdown': [{ type: 'server.shutdown' }],
  'server.backup': [{ type: 'server.backup', file: '/tmp/backup.db' }],
  'server.backup.done': [
    { type: 'server.backup.done', file: '/tmp/b.db', totalPages: 4, error: null },
    { type: 'server.backup.done', file: '/tmp/b.db', totalPages: null, error: 'disk full' },
  ],
  'announcement.schedule': [{ type: 'announcement.schedule', text: 'Go', at: 1_781_337_600_000 }],
  'announcement.cancel': [{ type: 'announcement.cancel', id: 2 }],
  'announcement.list': [{ type: 'announcement.list' }],
  'announcement.deliver': [{ type: 'announcement.deliver', text: 'Go' }],
  'timer.fire': [{ type: 'timer.fire', timer: 1 }],
  'clock.pause': [{ type: 'clock.pause' }],
  'clock.resume': [{ type: 'clock.resume' }],
  'set.add': [{ type: 'set.add', name: 'Base' }],
  'set.edit': [{ type: 'set.edit', id: 1, name: 'Renamed' }],
  'set.list': [{ type: 'set.list' }],
  'set.get': [{ type: 'set.get', id: 1 }],
  'set.delete': [{ type: 'set.delete', id: 1 }],
  'set.deleteAll': [{ type: 'set.deleteAll' }],
  'challenge.add': [{ type: 'challenge.add', challenge: CHALLENGE }],
  'challenge.edit': [
    { type: 'challenge.edit', id: 1, changes: {} },
    { type: 'challenge.edit', id: 1, changes: { title: 'New', fixed: true } },
  ],
  'challenge.list': [
    { type: 'challenge.list' },
    { type: 'challenge.list', status: 'Approved', kind: 'Kaff', set: 1 },
  ],
  'challenge.get': [{ type: 'challenge.get', id: 1 }],
  'challenge.delete': [{ type: 'challenge.delete', id: 1 }],
  'challenge.deleteAll': [{ type: 'challenge.deleteAll' }],
  'zone.add': [{ type: 'zone.add', zone: ZONE }],
  'zone.edit': [{ type: 'zone.edit', id: 1, changes: { mongus: true } }],
  'zone.list': [{ type: 'zone.list' }],
  'zone.get': [{ type: 'zone.get', id: 1 }],
  'zone.delete': [{ type: 'zone.delete', id: 1 }],
  'zone.deleteAll': [{ type: 'zone.deleteAll' }],
  'zone.setMinutes': [
    { type: 'zone.setMinutes', from: 1, to: 2, minutes: 12 },
    { type: 'zone.setMinutes', from: 1, to: 2, minutes: 12.5, both: true },
  ],
  'zone.setCloseSectors': [{ type: 'zone.setCloseSectors', id: 1, sectors: [1, 2] }],
  'sector.add': [{ type: 'sector.add', name: 'A' }],
  'sector.list': [{ type: 'sector.list' }],
  'sector.get': [{ type: 'sector.get', id: 1 }],
  'sector.delete': [{ type: 'sector.delete', id: 1 }],
  'sector.deleteAll': [{ type: 'sector.deleteAll' }],
  'sector.link': [
    { type: 'sector.link', a: 1, b: 2 },
    { type: 'sector.link', a: 1, b: 2, unlink: true },
  ],
  'challenge.preview': [
    { type: 'challenge.preview', zone: 110, at: 1_781_337_600_000, seed: 7 },
    {
      type: 'challenge.preview',
      zone: 110,
      sector: 2,
      at: 1_781_337_600_000,
      timeZone: 'Europe/Zurich',
      points: 10,
      topScore: 30,
      completed: [1],
      seen: [2, 3],
      config: {},
      seed: 7,
    },
  ],
};

/** For each command, a field value of the wrong type and the path the error must name. */
const WRONG: { readonly [T in CommandType]?: readonly [Record<string, unknown>, string][] } = {
  ping: [
    [{ type: 'ping', text: 5 }, 'text'],
    [{ type: 'ping', text: 'x'.repeat(1001) }, 'text'],
  ],
  'session.add': [
    [{ type: 'session.add' }, 'name'],
    [{ type: 'session.add', name: '   ' }, 'name'],
    [{ type: 'session.add', name: 'x'.repeat(101) }, 'name'],
    [{ type: 'session.add', name: 'A', mode: 'Speedrun' }, 'mode'],
    [{ type: 'session.add', name: 'A', timeZone: '' }, 'timeZone'],
  ],
  'player.add': [
    [{ type: 'player.add', name: 'A', passphrase: 'abc' }, 'passphrase'],
    [{ type: 'player.add', name: 'A', passphrase: 'abcd', session: 0 }, 'session'],
    [{ type: 'player.add', name: 'A', passphrase: 'abcd', session: '1' }, 'session'],
    [{ type: 'player.add', name: 7, passphrase: 'abcd' }, 'name'],
  ],
  'server.backup': [[{ type: 'server.backup', file: '' }, 'file']],
  'announcement.schedule': [
    [{ type: 'announcement.schedule', text: 'x', at: 1.5 }, 'at'],
    [{ type: 'announcement.schedule', text: 'x', at: -1 }, 'at'],
    [{ type: 'announcement.schedule', text: '', at: 1 }, 'text'],
    [{ type: 'announcement.schedule', text: 'x' }, 'at'],
  ],
  'announcement.cancel': [[{ type: 'announcement.cancel', id: -2 }, 'id']],
  'timer.fire': [[{ type: 'timer.fire', timer: '1' }, 'timer']],
  'challenge.add': [
    [{ type: 'challenge.add', challenge: { ...CHALLENGE, kind: 'Dorf' } }, 'challenge.kind'],
    [
      { type: 'challenge.add', challenge: { ...CHALLENGE, repetitions: { min: '1', max: 2 } } },
      'challenge.repetitions.min',
    ],
  ],
  'zone.add': [[{ type: 'zone.add', zone: { ...ZONE, minutesTo: { zero: 1 } } }, 'zone.minutesTo.zero']],
};

describe('requests', () => {
  const all = Object.entries(VALID).flatMap(([type, forms]) =>
    forms.map((command) => [type, command] as const),
  );

  it('every foundation command has a valid form in this table, and the table names only real commands', () => {
    expect(FOUNDATION_TYPES.length).toBeGreaterThanOrEqual(16);
    for (const type of FOUNDATION_TYPES) expect(Object.keys(VALID)).toContain(type);
    const known = COMMAND_DEFS.map((d) => d.type as string);
    for (const type of Object.keys(VALID)) expect(known).toContain(type);
  });

  it.each(all)('accepts a valid %s', (_type, command) => {
    expect(request(command)).toEqual({
      ok: true,
      message: { kind: 'request', id: 'r-1', session: undefined, command },
    });
  });

  it.each(COMMAND_DEFS.map((d) => d.type))('knows %s: never UNKNOWN_COMMAND for a listed command', (type) => {
    const result = request({ type });
    if (!result.ok) expect(result.error.code).toBe('MALFORMED');
  });

  it('keeps the session when a request names one', () => {
    expect(request({ type: 'announcement.list' }, { session: 7 })).toEqual({
      ok: true,
      message: { kind: 'request', id: 'r-1', session: 7, command: { type: 'announcement.list' } },
    });
  });

  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['a string', '1'],
    ['null', null],
  ])('refuses a %s session with MALFORMED, keeping the id', (_name, session) => {
    const issues = expectError(request({ type: 'ping' }, { session }), 'MALFORMED', 'r-1');
    expect(issues.map((i) => i.path)).toContain('session');
  });

  const wrong = Object.entries(WRONG).flatMap(([type, cases]) =>
    cases.map(([c, path]) => [type, c, path] as const),
  );
  it.each(wrong)('refuses a wrong-typed %s field with MALFORMED naming the path', (_type, command, path) => {
    const result = request(command);
    const issues = expectError(result, 'MALFORMED', 'r-1');
    expect(issues.map((i) => i.path)).toContain(path);
    if (!result.ok) expect(result.error.message).toContain(path);
  });

  it.each(COMMAND_DEFS.map((d) => [d.type, VALID[d.type]?.[0] ?? { type: d.type }] as const))(
    'refuses an extra key on %s with MALFORMED',
    (_type, command) => {
      const issues = expectError(request({ ...command, extra: true }), 'MALFORMED', 'r-1');
      expect(issues.some((i) => i.message.includes('extra'))).toBe(true);
    },
  );

  it('refuses an extra key on the request envelope, keeping the id', () => {
    const issues = expectError(request({ type: 'ping' }, { priority: 1 }), 'MALFORMED', 'r-1');
    expect(issues.some((i) => i.message.includes('priority'))).toBe(true);
  });

  it('refuses an unknown command with UNKNOWN_COMMAND, keeping the id', () => {
    const result = request({ type: 'teleport', to: 'Bern' });
    expectError(result, 'UNKNOWN_COMMAND', 'r-1');
    if (!result.ok) expect(result.error.message).toContain('teleport');
  });

  it('caps the echoed name of an unknown command', () => {
    const result = request({ type: 'x'.repeat(5000) });
    expectError(result, 'UNKNOWN_COMMAND', 'r-1');
    if (!result.ok) expect(result.error.message.length).toBeLessThan(200);
  });

  it('refuses a command without a type with MALFORMED', () => {
    expect(expectError(request({ text: 'hi' }), 'MALFORMED', 'r-1').map((i) => i.path)).toContain(
      'command.type',
    );
    expectError(request('ping'), 'MALFORMED', 'r-1');
    expectError(request(null), 'MALFORMED', 'r-1');
    expectError(decode({ type: 'request', id: 'r-1' }), 'MALFORMED', 'r-1');
  });
});

describe('envelopes that cannot be tied to a request', () => {
  it.each([
    ['invalid JSON', '{"type":"request",'],
    ['an empty text', ''],
    ['non-JSON bytes', '\u0000binary'],
    ['a trailing comma', '{"type":"hello","protocol":1,}'],
  ])('refuses %s with MALFORMED and no id', (_name, text) => {
    expectError(decodeClientMessage(text), 'MALFORMED', null);
  });

  it.each([
    ['a number', 42],
    ['a string', 'hello'],
    ['null', null],
    ['an array', [{ type: 'hello', protocol: 1 }]],
    ['true', true],
  ])('refuses non-object JSON (%s) with MALFORMED and no id', (_name, value) => {
    expectError(decode(value), 'MALFORMED', null);
  });

  it('refuses a request without an id with MALFORMED naming the id', () => {
    const issues = expectError(decode({ type: 'request', command: { type: 'ping' } }), 'MALFORMED', null);
    expect(issues.map((i) => i.path)).toContain('id');
  });

  it.each([
    ['a number', 5],
    ['an empty string', ''],
    ['a too long string', 'i'.repeat(129)],
    ['an object', { id: 'x' }],
  ])('refuses an id that is %s with MALFORMED and no id', (_name, id) => {
    const issues = expectError(decode({ type: 'request', id, command: { type: 'ping' } }), 'MALFORMED', null);
    expect(issues.map((i) => i.path)).toContain('id');
  });

  it('refuses an unknown message type with MALFORMED', () => {
    expectError(decode({ type: 'subscribe', id: 'r-2' }), 'MALFORMED', 'r-2');
    expectError(decode({ id: 'r-3' }), 'MALFORMED', 'r-3');
  });

  it('accepts a text of exactly the frame limit and refuses one byte more with TOO_LARGE', () => {
    const envelope = JSON.stringify({ type: 'request', id: 'big', command: { type: 'ping', text: '' } });
    const pad = (n: number): string => envelope.replace('"text":""', `"text":"${' '.repeat(n)}"`);
    // Exactly at the limit: decoded (and then refused for the text's own limit, which keeps the id).
    const atLimit = pad(MAX_FRAME_BYTES - envelope.length);
    expect(atLimit.length).toBe(MAX_FRAME_BYTES);
    expectError(decodeClientMessage(atLimit), 'MALFORMED', 'big');
    expectError(decodeClientMessage(pad(MAX_FRAME_BYTES - envelope.length + 1)), 'TOO_LARGE', null);
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    // 600 000 two-byte characters: fewer characters than the limit, but 1.2 MB on the wire.
    const text = JSON.stringify({
      type: 'request',
      id: 'big',
      command: { type: 'ping', text: 'é'.repeat(600_000) },
    });
    expect(text.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_FRAME_BYTES);
    expectError(decodeClientMessage(text), 'TOO_LARGE', null);
  });
});
