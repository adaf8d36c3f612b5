import type { RandomPlace } from '../engine/catalogue/types.js';

/**
 * Lenient-in-format, strict-in-meaning cell parsers (IMPORT-2). Each returns a value or the reason the cell
 * means nothing certain; none of them guesses.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Inclusive bounds of a numeric column, and whether it must be a whole number. */
export interface NumberRange {
  min: number;
  max: number;
  integer: boolean;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * A boolean: true/false/1/0/yes/no in any case. An empty cell is refused: the fixture and the reference
 * importer treat it as an error, and a blank flag does not say which of the two values was meant.
 */
export function parseBoolean(text: string, column: string): Parsed<boolean> {
  const parsed = parseOptionalBoolean(text, column);
  if (!parsed.ok || parsed.value !== null) return parsed as Parsed<boolean>;
  return fail(`empty boolean cell in ${column} (write true or false)`);
}

/** A boolean whose empty cell means "not set" (null), e.g. `in_perim` (an optional bool, CATALOGUE-7). */
export function parseOptionalBoolean(text: string, column: string): Parsed<boolean | null> {
  const word = text.trim().toLowerCase();
  if (word === '') return ok(null);
  if (TRUE_WORDS.has(word)) return ok(true);
  if (FALSE_WORDS.has(word)) return ok(false);
  return fail(`${column} "${text}" is not a boolean (true/false, 1/0, yes/no)`);
}

// One optional sign, digits, at most one decimal separator ('.' or ','). No thousands separators and no
// exponents: "1,400" is 1.4, never 1400, so it fails an integer column instead of being guessed.
const NUMBER = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** A number with a decimal point or comma; empty → null. Out of range or fractional-when-whole is refused. */
export function parseNumber(text: string, column: string, range: NumberRange): Parsed<number | null> {
  const trimmed = text.trim();
  if (trimmed === '') return ok(null);
  if (!NUMBER.test(trimmed)) return fail(`${column} "${text}" is not a number`);
  const value = Number(trimmed.replace(',', '.'));
  if (range.integer && !Number.isInteger(value)) return fail(`${column} ${trimmed} is not a whole number`);
  if (value < range.min || value > range.max) {
    return fail(`${column} ${trimmed} is out of range ${range.min}–${range.max}`);
  }
  // `+ 0` turns -0 into 0 so that "-0" and "0" parse identically.
  return ok(value + 0);
}

/** Marker in the zone column meaning "no fixed zone; drawn at generation time" (HAND-11). */
const RANDOM_ZONE_MARKERS = new Set(['%z', '%s']);

/** Whether a zone cell holds `%z` or `%s` (any case): "no fixed zone". */
export function isRandomZoneMarker(text: string): boolean {
  return RANDOM_ZONE_MARKERS.has(text.trim().toLowerCase());
}

/** The challenge `zone` cell: zone numbers separated by commas, semicolons or spaces; `%z`/`%s`/'' = none. */
export function parseZoneNumbers(text: string, column: string): Parsed<number[]> {
  const trimmed = text.trim();
  if (trimmed === '' || isRandomZoneMarker(trimmed)) return ok([]);
  const numbers: number[] = [];
  for (const part of trimmed.split(/[\s,;]+/)) {
    if (!/^\d+$/.test(part) || Number(part) === 0) {
      return fail(`${column} "${text}" is not a list of zone numbers (or %z / %s alone)`);
    }
    if (!numbers.includes(Number(part))) numbers.push(Number(part));
  }
  return ok(numbers);
}

/**
 * Sector letters with or without separators ("A,B", "A B", "AB", "A;B"), upper-cased, first one first
 * (it is the primary sector, HAND-1). Repeated letters are listed once.
 */
export function parseSectorLetters(text: string, column: string): Parsed<string[]> {
  const letters: string[] = [];
  for (const char of text.replace(/[\s,;/|]+/g, '')) {
    const letter = char.toUpperCase();
    if (!/^\p{L}$/u.test(letter))
      return fail(`${column} "${text}" contains "${char}", which is not a letter`);
    if (!letters.includes(letter)) letters.push(letter);
  }
  return ok(letters);
}

/** A comma- or semicolon-separated list of names (set names); parts are trimmed, empty parts dropped. */
export function parseNameList(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A free-text cell: trimmed; empty means absent (null). Inner line breaks are kept. */
export function parseText(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * The random-place type implied by `%z` (Zone) or `%s` (SBahnZone) in the texts (HAND-11). The title is
 * scanned before the description and the last hit wins; within one text "last" means rightmost.
 */
export function randomPlaceOf(title: string | null, description: string | null): RandomPlace | null {
  let found: RandomPlace | null = null;
  for (const text of [title, description]) {
    for (const match of (text ?? '').matchAll(/%([zs])/g)) found = match[1] === 'z' ? 'Zone' : 'SBahnZone';
  }
  return found;
}
