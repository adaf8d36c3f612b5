import { seededRng, type Rng } from '../../src/engine/rng.js';
import { decodeClientMessage } from '../../src/protocol/codec.js';
import type { ServerMessage } from '../../src/protocol/envelope.js';
import { ERROR_CODES } from '../../src/protocol/errors.js';
import { encodeFrame } from '../../src/protocol/framing.js';
import { RawUnixClient, RawWsClient } from '../helpers/index.js';
import { FrameMaker, type FuzzFrame } from './frames.js';
import { expected, expectedRateLimitedId } from './oracle.js';

/** Where the fuzzer sends: a running server's WebSocket URL and local socket (behind a trusted proxy). */
export interface FuzzTarget {
  readonly url: string;
  readonly socketPath: string;
}

export interface FuzzOptions {
  readonly seed: number;
  readonly frames: number;
  /** Connections fuzzing at the same time over each transport. */
  readonly lanes?: { readonly ws: number; readonly unix: number };
  readonly log?: (line: string) => void;
}

export interface FuzzReport {
  readonly seed: number;
  readonly frames: number;
  readonly connections: number;
  /** Frames that decode as a valid admin request, not sent over the admin's local socket. */
  readonly skipped: number;
  readonly byLabel: Record<string, number>;
  readonly byAnswer: Record<string, number>;
  /** What went wrong: answers with the wrong id, untyped or missing answers. Empty when all is well. */
  readonly problems: string[];
}

/** How long one frame may wait for its answer before the fuzzer calls it lost. */
const ANSWER_MS = 20_000;
/** Errors after which the server closes the connection. */
const CLOSING = new Set(['UNAUTHORISED', 'VERSION_MISMATCH', 'TOO_MANY_CONNECTIONS', 'HELLO_TIMEOUT']);

type Transport = 'ws' | 'unix';
type Raw = RawWsClient | RawUnixClient;

/**
 * Sends `frames` fuzzed frames, one at a time on each of several connections of both transports, and
 * checks each answer against the rules (PROTOCOL-2, PROTOCOL-3, the LIMIT rules): exactly one answer per
 * frame, the recoverable id and no other, only the protocol's typed messages. WebSocket connections are
 * guests, each from its own address (the server trusts the fuzzer's X-Forwarded-For); a connection is
 * replaced when the server closes it or refuses a frame for its rate. The local socket is the admin's:
 * frames that are valid requests are not sent there, so that nothing the fuzzer sends is allowed to
 * change the state.
 */
export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const run = new FuzzRun(target, options);
  const lanes = options.lanes ?? { ws: 3, unix: 1 };
  await Promise.all([
    ...Array.from({ length: lanes.ws }, () => run.lane('ws')),
    ...Array.from({ length: lanes.unix }, () => run.lane('unix')),
  ]);
  return run.report();
}

class FuzzRun {
  private readonly rng: Rng;
  private readonly maker: FrameMaker;
  private sent = 0;
  private skipped = 0;
  private connections = 0;
  private readonly byLabel: Record<string, number> = {};
  private readonly byAnswer: Record<string, number> = {};
  private readonly problems: string[] = [];

  constructor(
    private readonly target: FuzzTarget,
    private readonly options: FuzzOptions,
  ) {
    this.rng = seededRng(options.seed);
    this.maker = new FrameMaker(this.rng);
  }

  async lane(transport: Transport): Promise<void> {
    let connection: Lane | undefined;
    while (this.sent < this.options.frames) {
      connection ??= await this.open(transport);
      // Another lane may have sent the last frame while this one was connecting.
      if (this.sent >= this.options.frames) break;
      const { frame, label } = this.maker.next();
      if (transport === 'unix' && isValidRequest(frame)) {
        this.skipped++;
        continue;
      }
      this.sent++;
      this.byLabel[label] = (this.byLabel[label] ?? 0) + 1;
      if (this.sent % 1_000 === 0) this.options.log?.(`${this.sent} frames, ${this.connections} connections`);
      const keep = await this.exchange(connection, frame, label);
      if (!keep) {
        connection.raw.close();
        connection = undefined;
      }
    }
    connection?.raw.close();
  }

  report(): FuzzReport {
    return {
      seed: this.options.seed,
      frames: this.sent,
      connections: this.connections,
      skipped: this.skipped,
      byLabel: this.byLabel,
      byAnswer: this.byAnswer,
      problems: this.problems,
    };
  }

  /** A new connection; now and then its first frame comes before the hello. */
  private async open(transport: Transport): Promise<Lane> {
    const n = this.connections++;
    const raw =
      transport === 'ws'
        ? await RawWsClient.open(this.target.url, {
            'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
          })
        : await RawUnixClient.open(this.target.socketPath);
    const lane: Lane = { raw, transport, helloed: false };
    if (this.rng.next() < 0.85) await this.hello(lane);
    return lane;
  }

  private async hello(lane: Lane): Promise<void> {
    await lane.raw.hello();
    lane.helloed = true;
  }

  /** Sends one frame, checks its one answer; false when the connection is done for. */
  private async exchange(lane: Lane, frame: FuzzFrame, label: string): Promise<boolean> {
    const sent = send(lane, frame);
    let answer: ServerMessage;
    try {
      answer = await lane.raw.inbox.next(isAnswer, ANSWER_MS);
    } catch {
      this.problems.push(`no answer to a ${label} frame (${sent.text.slice(0, 80)}…)`);
      return false;
    }
    const code =
      answer.type === 'welcome'
        ? 'welcome'
        : answer.type === 'response' && answer.ok
          ? 'ok'
          : errorOf(answer);
    this.byAnswer[code] = (this.byAnswer[code] ?? 0) + 1;
    const rule = expected(sent.text, sent.bytes, lane.helloed);
    const id = code === 'RATE_LIMITED' ? expectedRateLimitedId(sent.text, sent.bytes) : rule.id;
    const got =
      answer.type === 'welcome'
        ? null
        : answer.type === 'response' || answer.type === 'error'
          ? answer.id
          : 'other';
    const where = `${label} (${sent.text.slice(0, 80)}…)`;
    if (got !== id) this.problems.push(`answered with id ${got}, expected ${id}: ${where}`);
    if (rule.refused && (code === 'ok' || code === 'welcome')) this.problems.push(`accepted: ${where}`);
    if (!(code in ERROR_CODES) && code !== 'ok' && code !== 'welcome')
      this.problems.push(`answer ${code}: ${where}`);
    if (answer.type === 'welcome') lane.helloed = true;
    if (lane.raw.inbox.violations.length > 0) {
      this.problems.push(
        `${label}: frames outside the protocol: ${lane.raw.inbox.violations.splice(0).join(' | ').slice(0, 200)}`,
      );
    }
    if (CLOSING.has(code) && answer.type === 'error' && answer.id === null) return false;
    if (
      code === 'RATE_LIMITED' ||
      (frame.kind === 'bytes' && frame.brokenFraming === true && lane.transport === 'unix')
    )
      return false;
    return true;
  }
}

interface Lane {
  readonly raw: Raw;
  readonly transport: Transport;
  helloed: boolean;
}

/** Writes the frame and returns the text the server decodes from it, and its size in bytes. */
function send(lane: Lane, frame: FuzzFrame): { text: string; bytes: number } {
  if (frame.kind === 'text') {
    const bytes = Buffer.from(frame.text, 'utf8');
    if (lane.raw instanceof RawWsClient) lane.raw.send(frame.text);
    else lane.raw.sendBytes(encodeFrame(frame.text));
    return { text: arrivingText(lane.transport, bytes), bytes: bytes.length };
  }
  if (lane.raw instanceof RawWsClient) {
    lane.raw.send(Buffer.from(frame.bytes), { binary: true });
    // A binary WebSocket frame is not text: it is never JSON.
    return { text: '\u0000binary', bytes: frame.bytes.length };
  }
  if (frame.brokenFraming === true) {
    lane.raw.sendBytes(frame.bytes);
    return { text: '', bytes: 0 };
  }
  lane.raw.sendBytes(Buffer.concat([Buffer.from(lengthPrefix(frame.bytes.length)), frame.bytes]));
  return { text: arrivingText('unix', frame.bytes), bytes: frame.bytes.length };
}

/**
 * The text the server reads from a frame's UTF-8 bytes: over WebSocket as they are; on the local socket
 * through a TextDecoder, which also drops a leading byte-order mark. (A lone surrogate in the fuzzer's
 * text became U+FFFD on the way either way.)
 */
function arrivingText(transport: Transport, bytes: Uint8Array): string {
  return transport === 'ws' ? Buffer.from(bytes).toString('utf8') : new TextDecoder().decode(bytes);
}

function lengthPrefix(length: number): Uint8Array {
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, length);
  return prefix;
}

const isAnswer = (m: ServerMessage): boolean =>
  m.type === 'response' || m.type === 'error' || m.type === 'welcome';

function errorOf(m: ServerMessage): string {
  if (m.type === 'error' || (m.type === 'response' && !m.ok)) return m.error.code;
  return m.type;
}

/** A frame the admin's socket would run as a request. */
function isValidRequest(frame: FuzzFrame): boolean {
  if (frame.kind !== 'text') return false;
  const decoded = decodeClientMessage(arrivingText('unix', Buffer.from(frame.text, 'utf8')));
  return decoded.ok && decoded.message.kind === 'request';
}
