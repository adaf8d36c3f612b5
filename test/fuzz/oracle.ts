import {
  MAX_FRAME_BYTES,
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  PRE_HELLO_FRAME_BYTES,
} from '../../src/protocol/version.js';

/** What the rules say a frame's answer must be: the id it carries, and whether it must be a refusal. */
export interface Expected {
  /** The request id when it is recoverable (PROTOCOL-2, PROTOCOL-3), else null. */
  readonly id: string | null;
  /** A `__proto__` key is an unknown key like any other (LIMIT-4): never accepted. */
  readonly refused: boolean;
}

/**
 * Works out what a frame's answer must be without the server's code. A frame's id is not read when the
 * frame is over the size limit of the moment (LIMIT-1), over the shape limits (LIMIT-2), or not JSON.
 */
export function expected(text: string, bytes: number, helloed: boolean): Expected {
  if (bytes > (helloed ? MAX_FRAME_BYTES : PRE_HELLO_FRAME_BYTES)) return { id: null, refused: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: null, refused: true };
  }
  const { depth, values, hiddenKey } = measure(value);
  if (depth > MAX_JSON_DEPTH || values > MAX_JSON_VALUES) return { id: null, refused: true };
  return { id: idOf(value), refused: hiddenKey };
}

/** The id a refusal for the request rate carries (LIMIT-7): only a small frame is read for it. */
export function expectedRateLimitedId(text: string, bytes: number): string | null {
  return bytes <= PRE_HELLO_FRAME_BYTES ? expected(text, bytes, true).id : null;
}

function idOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.length >= 1 && id.length <= 128 ? id : null;
}

/**
 * Nesting depth (containers inside containers), values (object members and array items, an empty array
 * counting as one) and whether any object has an own `__proto__` key, without recursion: a fuzzed value
 * may be 100,000 deep.
 */
function measure(root: unknown): { depth: number; values: number; hiddenKey: boolean } {
  let deepest = 0;
  let values = 0;
  let hiddenKey = false;
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 1 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (Object.hasOwn(value, '__proto__')) hiddenKey = true;
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    values += Array.isArray(value) && value.length === 0 ? 1 : children.length;
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return { depth: deepest, values, hiddenKey };
}
