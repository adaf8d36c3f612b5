import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The rules live in the repository (docs/rules.md), and everything cites them by id. A fresh clone has
 * nothing beside it, so no file may cite a specification outside the repository.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RULES = 'docs/rules.md';
/** Where citations may appear. */
const SCANNED = ['src', 'test', 'bench', 'scripts', 'docs', 'README.md'];
/** This file plants forbidden citations on purpose, to show that the checks catch them. */
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

/** Citations of files outside the repository, and of their sections and rulings. */
const OUTSIDE_CITATIONS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'the reference engine spec', pattern: /engine\.md/ },
  { what: 'the reference challenge spec', pattern: /challenges-and-tools|C&T\b/ },
  { what: 'the rulings file', pattern: /DECISIONS/ },
  { what: 'the developers notes', pattern: /DEVELOPERS/ },
  { what: 'the shared spec folder', pattern: /\bshared\// },
  { what: 'a spec section', pattern: /§\s?\d/ },
  { what: 'a ruling', pattern: /\bD\d{1,2}\b/ },
  { what: 'a reference bug', pattern: /\bbugs? 8\.\d/ },
];

/** A rule's definition: its id in bold at the start of a list item. */
const DEFINITION = /^\s*- \*\*([A-Z]+-\d+)\*\*/gm;
/** A test title's rule ids: `[CATCH-2]` (several may follow each other). */
const BRACKETED = /\[([A-Z]+-\d+)\]/g;

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (statSync(full).isFile()) return [path];
  return readdirSync(full).flatMap((name) => files(join(path, name)));
}

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every rule id defined in the rule book, in order (duplicates kept). */
function definedIds(rules: string): string[] {
  return [...rules.matchAll(DEFINITION)].map((m) => m[1] as string);
}

/** Rule ids cited in `text`: any `PREFIX-n` of a known topic, and any bracketed id of a test title. */
function citedIds(text: string, prefixes: ReadonlySet<string>): string[] {
  const topics = new RegExp(`\\b(?:${[...prefixes].join('|')})-\\d+\\b`, 'g');
  return [
    ...new Set(
      [...text.matchAll(topics)]
        .map((m) => m[0])
        .concat([...text.matchAll(BRACKETED)].map((m) => m[1] as string)),
    ),
  ];
}

/** The outside citations in `text`, as "line: what (the matched text)". */
function outsideCitations(text: string): string[] {
  return text.split('\n').flatMap((line, i) =>
    OUTSIDE_CITATIONS.flatMap(({ what, pattern }) => {
      const hit = pattern.exec(line);
      return hit === null ? [] : [`${i + 1}: ${what} (${hit[0]})`];
    }),
  );
}

const rules = read(RULES);
const ids = definedIds(rules);
const prefixes = new Set(ids.map((id) => id.replace(/-\d+$/, '')));
const scanned = SCANNED.flatMap(files).filter((path) => path !== SELF && !path.endsWith('.csv'));

describe('docs/rules.md', () => {
  it('defines rules, each id once', () => {
    expect(ids.length).toBeGreaterThan(100);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(repeated).toEqual([]);
  });

  it('numbers each topic 1, 2, 3, … without gaps', () => {
    for (const prefix of prefixes) {
      const numbers = ids.filter((id) => id.startsWith(`${prefix}-`)).map((id) => Number(id.split('-')[1]));
      expect(numbers, prefix).toEqual(numbers.map((_, i) => i + 1));
    }
  });
});

describe('rule citations', () => {
  it('every rule id cited in src, test, bench, scripts and docs exists in docs/rules.md', () => {
    const known = new Set(ids);
    const unknown = scanned.flatMap((path) =>
      citedIds(read(path), prefixes)
        .filter((id) => !known.has(id))
        .map((id) => `${path}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it('no file cites the reference specs, their sections, rulings or bug lists', () => {
    const found = scanned.flatMap((path) => outsideCitations(read(path)).map((hit) => `${path}:${hit}`));
    expect(found).toEqual([]);
  });
});

describe('the checks catch what they are for', () => {
  it('an unknown or bracketed id is seen as cited', () => {
    const cited = citedIds("see CATCH-99; it('[NOPE-1] title'); UTF-8 and WGS-84 are not rules", prefixes);
    expect(cited).toEqual(['CATCH-99', 'NOPE-1']);
    expect(ids).not.toContain('CATCH-99');
  });

  it('every kind of outside citation is found', () => {
    const planted = [
      'see engine.md §4.5',
      'challenges-and-tools.md',
      'as C&T says',
      'DECISIONS.md',
      'DEVELOPERS.md',
      'shared/spec',
      '§1.9.3',
      '(D8)',
      'bug 8.14',
    ];
    for (const text of planted) expect(outsideCitations(text), text).not.toEqual([]);
    expect(outsideCitations('a 3D view, D-Bus, Dx9 and DD1 are fine; so is shared.ts')).toEqual([]);
  });
});
