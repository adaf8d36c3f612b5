import { describe, expect, it } from 'vitest';
import {
  encodeBroadcast,
  encodeConnectionError,
  encodeError,
  encodeFailure,
  encodeHealth,
  encodeHttpFailure,
  encodeHttpResult,
  encodeNotice,
  encodeResult,
  encodeWelcome,
} from '../../src/protocol/encode.js';
import { serverMessageSchema } from '../../src/protocol/envelope.js';
import { makeError } from '../../src/protocol/errors.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';

/** Every frame the encoder renders is a valid server message carrying exactly the fields it was given. */
const decode = (frame: string): unknown => serverMessageSchema.parse(JSON.parse(frame));

describe('the encoder of server frames', () => {
  const error = makeError('NOT_FOUND', 'No team with id 4.', { entity: 'team', id: 4 });

  it('stamps the protocol version on the welcome', () => {
    const fields = {
      role: 'player' as const,
      connection: 'c-1',
      player: 3,
      session: 1,
      gameMaster: null,
      serverTime: 1_750_000_000_000,
      minClientVersion: '0.1.0',
      seq: { global: 2, '1': 9 },
    };
    expect(decode(encodeWelcome(fields))).toEqual({ type: 'welcome', protocol: PROTOCOL_VERSION, ...fields });
  });

  it('answers a request by id, accepted or refused', () => {
    expect(decode(encodeResult('r-1', { pong: 'x' }))).toEqual({
      type: 'response',
      id: 'r-1',
      ok: true,
      result: { pong: 'x' },
    });
    expect(decode(encodeFailure('r-2', error))).toEqual({ type: 'response', id: 'r-2', ok: false, error });
  });

  it('sends an error that has no request id as a connection error, and one that has as a response', () => {
    expect(decode(encodeConnectionError(error))).toEqual({ type: 'error', id: null, error });
    expect(encodeError(null, error)).toBe(encodeConnectionError(error));
    expect(encodeError('r-3', error)).toBe(encodeFailure('r-3', error));
  });

  it('renders broadcasts and notices', () => {
    const session = {
      id: 2,
      name: 'S',
      mode: 'Traditional',
      timeZone: 'UTC',
      game: null,
      paused: false,
    } as const;
    const broadcast = {
      session: 2,
      seq: 5,
      at: 1_750_000_000_000,
      event: { type: 'session.changed', session },
    } as const;
    expect(decode(encodeBroadcast(broadcast))).toEqual({ type: 'broadcast', ...broadcast });
    const notice = { notice: 'resync', message: 'Take a snapshot.', stream: '2' } as const;
    expect(decode(encodeNotice(notice))).toEqual({ type: 'notice', ...notice });
  });

  it('renders HTTP bodies as a response without its id, and the health body with the version', () => {
    expect(JSON.parse(encodeHttpResult({ id: 7 }))).toEqual({ ok: true, result: { id: 7 } });
    expect(JSON.parse(encodeHttpFailure(error))).toEqual({ ok: false, error });
    expect(JSON.parse(encodeHealth(1234))).toEqual({ ok: true, protocol: PROTOCOL_VERSION, uptimeMs: 1234 });
  });
});
