import type { Challenge, ChallengeInput } from '../../catalogue/types.js';
import { validateChallenge } from '../../catalogue/validation.js';
import { notFound, ok, type Handler, type Outcome } from '../../handler.js';
import type { Tx } from '../../tx.js';
import { challengeRefs, invalid } from './shared.js';

export const challengeAdd: Handler<'challenge.add'> = (command, { tx, now }) =>
  saveChallenge(tx, tx.newId('challenge'), command.challenge, now);

export const challengeEdit: Handler<'challenge.edit'> = (command, { tx, now }) => {
  const current = tx.get('challenge', command.id);
  if (current === undefined) return notFound('challenge', command.id);
  const { id: _id, lastEdit: _lastEdit, ...input } = current;
  return saveChallenge(tx, command.id, { ...input, ...definedFields(command.changes) }, now);
};

export const challengeList: Handler<'challenge.list'> = (command, { tx }) =>
  ok(
    tx
      .all('challenge')
      .filter(
        (c) =>
          (command.status === undefined || c.status === command.status) &&
          (command.kind === undefined || c.kind === command.kind) &&
          (command.set === undefined || c.sets.includes(command.set)),
      ),
  );

export const challengeGet: Handler<'challenge.get'> = (command, { tx }) => {
  const challenge = tx.get('challenge', command.id);
  return challenge === undefined ? notFound('challenge', command.id) : ok(challenge);
};

export const challengeDelete: Handler<'challenge.delete'> = (command, { tx }) => {
  if (tx.get('challenge', command.id) === undefined) return notFound('challenge', command.id);
  tx.delete('challenge', command.id);
  return ok({ deleted: 1 });
};

export const challengeDeleteAll: Handler<'challenge.deleteAll'> = (_command, { tx }) => {
  const all = tx.all('challenge');
  for (const challenge of all) tx.delete('challenge', challenge.id);
  return ok({ deleted: all.length });
};

/** Validates a challenge against every rule and the current catalogue, then stores it. */
export function saveChallenge(tx: Tx, id: number, input: ChallengeInput, now: number): Outcome<Challenge> {
  const violations = validateChallenge(input, challengeRefs(tx));
  if (violations.length > 0) return invalid(violations);
  return ok(tx.put('challenge', { ...input, id, lastEdit: now }));
}

/** The fields a partial edit actually sets (an absent key leaves the field as it is). */
export function definedFields<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
