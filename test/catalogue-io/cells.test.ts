import { describe, expect, it } from 'vitest';
import {
  parseBoolean,
  parseNumber,
  parseOptionalBoolean,
  parseSectorLetters,
  parseZoneNumbers,
  randomPlaceOf,
} from '../../src/catalogue-io/cells.js';

const ANY = { min: -Infinity, max: Infinity, integer: false };

describe('[IMPORT-2] cell parsers (lenient in format, strict in meaning)', () => {
  it('reads booleans true/false/1/0/yes/no in any case', () => {
    for (const word of ['true', 'TRUE', 'True', '1', 'yes', 'YES', ' true ']) {
      expect(parseBoolean(word, 'c')).toEqual({ ok: true, value: true });
    }
    for (const word of ['false', 'FALSE', '0', 'no', 'No']) {
      expect(parseBoolean(word, 'c')).toEqual({ ok: true, value: false });
    }
  });

  it('refuses empty and unknown booleans, except that an optional boolean may be empty', () => {
    expect(parseBoolean('', 'dead_end')).toEqual({
      ok: false,
      reason: 'empty boolean cell in dead_end (write true or false)',
    });
    expect(parseBoolean('ja', 'dead_end').ok).toBe(false);
    expect(parseBoolean('2', 'dead_end').ok).toBe(false);
    expect(parseOptionalBoolean('', 'in_perim')).toEqual({ ok: true, value: null });
  });

  it('reads numbers with a decimal point or comma; empty is null', () => {
    expect(parseNumber('1.3', 'c', ANY)).toEqual({ ok: true, value: 1.3 });
    expect(parseNumber('1,3', 'c', ANY)).toEqual({ ok: true, value: 1.3 });
    expect(parseNumber(' -200 ', 'c', ANY)).toEqual({ ok: true, value: -200 });
    expect(parseNumber(',5', 'c', ANY)).toEqual({ ok: true, value: 0.5 });
    expect(parseNumber('-0', 'c', ANY)).toEqual({ ok: true, value: 0 });
    expect(parseNumber('', 'c', ANY)).toEqual({ ok: true, value: null });
  });

  it('refuses what is not certainly one number', () => {
    for (const text of ['vier', '1e3', '1.000,5', "1'400", '1 400', '--1', '0x10']) {
      expect(parseNumber(text, 'c', ANY).ok, text).toBe(false);
    }
  });

  it('checks ranges and whole numbers', () => {
    const grade = { min: 1, max: 6, integer: true };
    expect(parseNumber('6', 'grade', grade)).toEqual({ ok: true, value: 6 });
    expect(parseNumber('6.0', 'grade', grade)).toEqual({ ok: true, value: 6 });
    expect(parseNumber('7', 'grade', grade)).toEqual({ ok: false, reason: 'grade 7 is out of range 1–6' });
    expect(parseNumber('2,5', 'grade', grade)).toEqual({
      ok: false,
      reason: 'grade 2,5 is not a whole number',
    });
  });

  it('reads sector letters with or without separators, upper-cased, first one first', () => {
    for (const text of ['A,B', 'A B', 'AB', 'A;B', 'a, b', 'ab']) {
      expect(parseSectorLetters(text, 'sector')).toEqual({ ok: true, value: ['A', 'B'] });
    }
    expect(parseSectorLetters('WC', 'sector')).toEqual({ ok: true, value: ['W', 'C'] });
    expect(parseSectorLetters('', 'sector')).toEqual({ ok: true, value: [] });
    expect(parseSectorLetters('A1', 'sector').ok).toBe(false);
  });

  it('reads zone lists, and %z / %s as "no fixed zone"', () => {
    expect(parseZoneNumbers('115, 113', 'zone')).toEqual({ ok: true, value: [115, 113] });
    expect(parseZoneNumbers('141;152 110', 'zone')).toEqual({ ok: true, value: [141, 152, 110] });
    expect(parseZoneNumbers('%z', 'zone')).toEqual({ ok: true, value: [] });
    expect(parseZoneNumbers('%s', 'zone')).toEqual({ ok: true, value: [] });
    expect(parseZoneNumbers('', 'zone')).toEqual({ ok: true, value: [] });
    expect(parseZoneNumbers('110,%z', 'zone').ok).toBe(false);
    expect(parseZoneNumbers('11O', 'zone').ok).toBe(false);
  });

  it('derives the random place from %z / %s: title before description, last hit wins', () => {
    expect(randomPlaceOf('Ab in Zone %z', null)).toBe('Zone');
    expect(randomPlaceOf('Zone %z Rallye', 'also Zone %s.')).toBe('SBahnZone');
    expect(randomPlaceOf('S-Bahn-Zone %s?', 'Hauptsache Zone %z.')).toBe('Zone');
    expect(randomPlaceOf(null, 'Esst in Zone %z etwas')).toBe('Zone');
    expect(randomPlaceOf('%r Haltestellen', 'keine Zone')).toBeNull();
  });
});
