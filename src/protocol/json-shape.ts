/** The shape limits of one frame's JSON, checked before it is parsed (LIMIT-2). */
export interface ShapeLimits {
  /** Deepest nesting of objects and arrays (the envelope itself is depth 1). */
  readonly maxDepth: number;
  /** Most values inside containers: object members plus array items, over the whole frame. */
  readonly maxValues: number;
}

/** Which shape limit a text breaks, if any. */
export type ShapeProblem = 'depth' | 'values';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * One pass over the text that counts nesting and values without building anything, and stops at the
 * first limit it passes: a deeply nested or key-stuffed frame is refused for the cost of reading the
 * prefix that breaks the limit, before `JSON.parse` or schema validation could spend the engine's time on
 * it. Members are counted by their colons, array items by the commas between them plus one per array (an
 * empty array counts as one value). The scan trusts nothing: on text that is not JSON it still ends, and
 * the parser refuses that text afterwards.
 */
export function shapeProblem(text: string, limits: ShapeLimits): ShapeProblem | undefined {
  // Whether each open container is an array; the depth limit bounds this stack.
  const isArray = new Uint8Array(limits.maxDepth + 1);
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(text, i);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limits.maxDepth) return 'depth';
      isArray[depth] = c === OPEN_ARRAY ? 1 : 0;
      if (c === OPEN_ARRAY && ++values > limits.maxValues) return 'values';
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COLON || (c === COMMA && isArray[depth] === 1)) {
      if (++values > limits.maxValues) return 'values';
    }
  }
  return undefined;
}

/** The index of the quote that ends the string opened at `open` (or the text's end if it never ends). */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    for (let j = at - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
