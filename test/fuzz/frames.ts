import type { Rng } from '../../src/engine/rng.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { nested } from '../limits/support.js';

/** One fuzzed frame: JSON-ish text, or bytes (a binary WebSocket frame, or a framed blob on the socket). */
export type FuzzFrame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly brokenFraming?: boolean };

/** A frame and what was done to make it, for the counts. */
export interface MadeFrame {
  readonly frame: FuzzFrame;
  readonly label: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Valid messages of many shapes, the material every mutation starts from. */
function validMessages(id: string): Json[] {
  const request = (command: { [key: string]: Json }, session?: number): Json => ({
    type: 'request',
    id,
    ...(session === undefined ? {} : { session }),
    command,
  });
  return [
    { type: 'hello', protocol: PROTOCOL_VERSION },
    {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      client: 'fuzz-client-01',
      broadcasts: false,
      since: { global: 0 },
    },
    request({ type: 'ping' }),
    request({ type: 'ping', text: 'fuzz' }),
    request({ type: 'auth.login', passphrase: 'a guessed pass phrase' }),
    request({ type: 'state.get' }),
    request({ type: 'session.add', name: 'Fuzz session' }),
    request({ type: 'player.add', name: 'Fuzz', passphrase: 'fuzzy wuzzy bear' }),
    request({ type: 'config.set', changes: { numCatchers: 2, teamColours: [[1, 2, 3]] } }, 1),
    request({ type: 'catch', catcher: 1, caught: 2, periodId: 0 }, 1),
    request({ type: 'team.add', name: 'Fuzz team' }, 1),
    request(
      {
        type: 'location.send',
        location: { lat: 47.37, lon: 8.54, accuracy: 5, heading: null, speed: null, timestamp: 1 },
      },
      1,
    ),
    request({
      type: 'zone.add',
      zone: {
        number: 110,
        numConnZones: 6,
        numConnections: 36,
        trainThrough: true,
        mongus: false,
        sBahnZone: true,
        minutesTo: { '111': 5 },
        closeSectors: [],
      },
    }),
  ];
}

const DEEP_MARKER = '@deep:';
const KEYS_MARKER = '@keys:';
const MAX_FUZZ_FRAME_BYTES = 3 * 1024 * 1024;

const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'extra', '', 'id'];
const ODD_VALUES: Json[] = [null, 0, -1.5, 1e308, '', 'x', true, [], {}, [1, 'a', null], { a: { b: [] } }];
const ODD_TEXT = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '\\',
  '\u0000',
  '\ud800',
  'é',
  '😀',
  ' ',
  'null',
  '1e999',
];

/**
 * Makes fuzzed frames from a seeded generator: valid messages mutated at the JSON level (wrong types,
 * missing or extra keys such as `__proto__`, huge strings, deep nesting, thousands of keys, unknown
 * commands, odd ids) or at the text level (cut, corrupted, duplicated keys), random JSON, binary garbage,
 * and now and then a valid message unchanged.
 */
export class FrameMaker {
  private count = 0;

  constructor(private readonly rng: Rng) {}

  next(): MadeFrame {
    const id = `f${this.count++}`;
    const roll = this.rng.next();
    if (roll < 0.05) return this.text('valid', JSON.stringify(this.base(id)));
    if (roll < 0.1) return { frame: { kind: 'bytes', bytes: this.garbage() }, label: 'binary' };
    if (roll < 0.12)
      return { frame: { kind: 'bytes', bytes: brokenHeader(), brokenFraming: true }, label: 'framing' };
    if (roll < 0.17) return this.text('random-json', JSON.stringify(this.randomJson(8)));
    if (roll < 0.3) return this.text(...this.textMutation(JSON.stringify(this.base(id))));
    const message = this.base(id);
    const labels: string[] = [];
    const mutations = 1 + (this.rng.next() < 0.3 ? this.rng.int(1, 2) : 0);
    for (let i = 0; i < mutations; i++) labels.push(this.mutate(message));
    return this.text(labels.join('+'), JSON.stringify(message));
  }

  private text(label: string, json: string): MadeFrame {
    // Markers become their text only now: building such values as objects first would cost far more.
    const text = json.replace(/"@(deep|keys):(\d+)@"/g, (_, what: string, n: string) =>
      what === 'deep' ? nested(Number(n)) : manyKeysText(Number(n)),
    );
    // Frames stay below the WebSocket's hard limit (4 MiB ends the connection, LIMIT-1): cut larger ones.
    if (Buffer.byteLength(text) <= MAX_FUZZ_FRAME_BYTES) return { frame: { kind: 'text', text }, label };
    return { frame: { kind: 'text', text: text.slice(0, MAX_FUZZ_FRAME_BYTES / 3) }, label: `${label}+cut` };
  }

  private base(id: string): Json {
    return structuredClone(this.rng.pick(validMessages(id)) as Json);
  }

  /** Changes one place of the message in place; returns what it did. */
  private mutate(message: Json): string {
    const [parent, key] = this.place(message);
    const kind = this.rng.pick([
      'wrong-type',
      'delete',
      'extra-key',
      'huge-string',
      'deep',
      'many-keys',
      'unknown-command',
      'odd-id',
    ] as const) as string;
    switch (kind) {
      case 'wrong-type':
        setAt(parent, key, this.odd());
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'extra-key':
        addOwn(this.objectIn(message), this.rng.pick(ODD_KEYS) as string, this.odd());
        break;
      case 'huge-string':
        setAt(parent, key, this.hugeString());
        break;
      case 'deep':
        // A marker that becomes the nesting in the text (JSON.stringify itself would overflow the stack).
        setAt(parent, key, `${DEEP_MARKER}${this.size([15, 17, 40], [1_000], [100_000])}@`);
        break;
      case 'many-keys':
        setAt(parent, key, `${KEYS_MARKER}${this.size([100, 1_000], [9_990, 10_001], [40_000])}@`);
        break;
      case 'unknown-command':
        addOwn(
          this.objectIn(message),
          'type',
          this.rng.pick(['player.nope', '', 'x'.repeat(500), 'ping ']) as string,
        );
        break;
      case 'odd-id':
        if (isObject(message))
          addOwn(
            message,
            'id',
            structuredClone(this.rng.pick([...ODD_VALUES, 'x'.repeat(129), 'y'.repeat(128)]) as Json),
          );
        break;
    }
    return kind;
  }

  /** A random container in the message and a key (or index) in it; the top level when it has no others. */
  private place(message: Json): [Json[] | { [key: string]: Json }, string] {
    const containers: (Json[] | { [key: string]: Json })[] = [];
    const walk = (value: Json): void => {
      if (value === null || typeof value !== 'object') return;
      containers.push(value);
      for (const child of Object.values(value)) walk(child);
    };
    walk(message);
    const parent = this.rng.pick(containers) ?? {};
    const keys = Object.keys(parent);
    return [parent, this.rng.pick(keys) ?? 'k'];
  }

  private objectIn(message: Json): { [key: string]: Json } {
    const [parent] = this.place(message);
    return Array.isArray(parent) ? (isObject(message) ? message : {}) : parent;
  }

  /** One of the odd values, as a copy of its own (a shared one could end up inside itself). */
  private odd(): Json {
    return structuredClone(this.rng.pick(ODD_VALUES) as Json);
  }

  /** A size: mostly small, sometimes medium, rarely huge (huge frames are slow to make and to send). */
  private size(small: number[], medium: number[], huge: number[]): number {
    const roll = this.rng.next();
    return this.rng.pick(roll < 0.75 ? small : roll < 0.95 ? medium : huge) as number;
  }

  private hugeString(): string {
    const length = this.size([2_000, 9_000], [100_000], [400_000, 1_100_000]);
    return (this.rng.pick(['a', 'ü', '"', '\\']) as string).repeat(length);
  }

  private textMutation(text: string): [string, string] {
    const at = this.rng.int(0, text.length);
    switch (this.rng.int(0, 3)) {
      case 0:
        return ['cut', text.slice(0, at)];
      case 1: {
        let out = text;
        for (let i = 0; i < this.rng.int(1, 5); i++) {
          const p = this.rng.int(0, out.length);
          out = out.slice(0, p) + (this.rng.pick(ODD_TEXT) as string) + out.slice(p + 1);
        }
        return ['corrupt', out];
      }
      case 2:
        return ['duplicate-key', text.replace('{', '{"type":"request","id":"dup",')];
      default:
        return ['bom', `\ufeff${text}`];
    }
  }

  private randomJson(depth: number): Json {
    const roll = this.rng.next();
    if (depth === 0 || roll < 0.3) return this.odd();
    const size = this.rng.int(0, 4);
    if (roll < 0.6) return Array.from({ length: size }, () => this.randomJson(depth - 1));
    const out: { [key: string]: Json } = {};
    for (let i = 0; i < size; i++)
      addOwn(out, this.rng.pick([...ODD_KEYS, 'type', 'command']) as string, this.randomJson(depth - 1));
    return out;
  }

  private garbage(): Uint8Array {
    return Uint8Array.from({ length: this.rng.int(1, 2_000) }, () => this.rng.int(0, 255));
  }
}

const isObject = (value: Json): value is { [key: string]: Json } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Sets a key as an own property, also `__proto__` (which plain assignment would turn into the prototype). */
function addOwn(target: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(parent: Json[] | { [key: string]: Json }, key: string, value: Json): void {
  if (Array.isArray(parent)) parent[Number(key) || 0] = value;
  else addOwn(parent, key, value);
}

const keysTexts = new Map<number, string>();

/** An object of `count` keys, as text (made once per count). */
function manyKeysText(count: number): string {
  let text = keysTexts.get(count);
  if (text === undefined) {
    text = `{${Array.from({ length: count }, (_, i) => `"key${i}":${i}`).join(',')}}`;
    keysTexts.set(count, text);
  }
  return text;
}

/** A socket frame header announcing more than the server will ever read: the stream is broken. */
function brokenHeader(): Uint8Array {
  return Uint8Array.from([0x7f, 0xff, 0xff, 0xff, 0x7b]);
}
