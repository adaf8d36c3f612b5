/**
 * Lookups for test set-up that fail loudly: a set-up that finds nothing throws, naming what it looked
 * for, instead of going on with a stand-in value (`?? 1`) that lets a test pass for the wrong reason.
 */

/** The value, if there is one; otherwise throws "no <what>". */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`test set-up: no ${what}`);
  return value;
}

/** The one item that passes `test`; throws when none or several do. */
export function theOne<T>(items: Iterable<T>, test: (item: T) => boolean, what: string): T {
  const matches = [...items].filter(test);
  if (matches.length !== 1) throw new Error(`test set-up: ${matches.length} ${what}, wanted exactly one`);
  return matches[0] as T;
}
