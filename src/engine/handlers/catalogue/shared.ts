import type { Catalogue } from '../../catalogue/types.js';
import type { ChallengeReferences, Violation } from '../../catalogue/validation.js';
import { fail, type Outcome } from '../../handler.js';
import type { Tx } from '../../tx.js';

/** The catalogue as generation and validation read it, including this command's own writes. */
export function catalogueOf(tx: Tx): Catalogue {
  const map = <T extends { id: number }>(rows: T[]): ReadonlyMap<number, T> =>
    new Map(rows.map((r) => [r.id, r]));
  return {
    challenges: map(tx.all('challenge')),
    sets: map(tx.all('challengeSet')),
    zones: map(tx.all('zone')),
    sectors: map(tx.all('sector')),
  };
}

/** Existence checks against the live tables (cheaper than a whole catalogue for one challenge). */
export function challengeRefs(tx: Tx): ChallengeReferences {
  return {
    sets: { has: (id) => tx.get('challengeSet', id) !== undefined },
    zones: { has: (id) => tx.get('zone', id) !== undefined },
    sectors: { has: (id) => tx.get('sector', id) !== undefined },
  };
}

/** Violations as one typed INVALID error naming the first broken rule and listing all of them. */
export function invalid(violations: readonly Violation[]): Outcome<never> {
  const first = violations[0];
  return fail('INVALID', first === undefined ? undefined : `${first.field}: ${first.message}`, {
    rule: first?.rule,
    field: first?.field,
    issues: violations.map((v) => ({ path: v.field, message: v.message, rule: v.rule })),
  });
}

/** Refusal to delete something still referred to (the catalogue's delete policy). */
export function inUse(entity: string, id: number, by: readonly string[]): Outcome<never> {
  return fail(
    'INVALID',
    `The ${entity} ${id} is still used by ${by.slice(0, 5).join(', ')}${by.length > 5 ? ', …' : ''}.`,
    {
      rule: 'in-use',
      entity,
      id,
      usedBy: by,
    },
  );
}
