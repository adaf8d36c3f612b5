import { validateChallengeSet } from '../../catalogue/validation.js';
import { notFound, ok, type Handler } from '../../handler.js';
import type { Tx } from '../../tx.js';
import { catalogueOf, inUse, invalid } from './shared.js';

export const setAdd: Handler<'set.add'> = (command, { tx }) => {
  const violations = validateChallengeSet({ name: command.name }, catalogueOf(tx).sets);
  if (violations.length > 0) return invalid(violations);
  return ok(tx.put('challengeSet', { id: tx.newId('challengeSet'), name: command.name }));
};

export const setEdit: Handler<'set.edit'> = (command, { tx }) => {
  if (tx.get('challengeSet', command.id) === undefined) return notFound('challenge set', command.id);
  const violations = validateChallengeSet({ name: command.name }, catalogueOf(tx).sets, command.id);
  if (violations.length > 0) return invalid(violations);
  return ok(tx.put('challengeSet', { id: command.id, name: command.name }));
};

export const setList: Handler<'set.list'> = (_command, { tx }) => ok(tx.all('challengeSet'));

export const setGet: Handler<'set.get'> = (command, { tx }) => {
  const set = tx.get('challengeSet', command.id);
  return set === undefined ? notFound('challenge set', command.id) : ok(set);
};

export const setDelete: Handler<'set.delete'> = (command, { tx }) => {
  if (tx.get('challengeSet', command.id) === undefined) return notFound('challenge set', command.id);
  const users = setUsers(tx, command.id);
  if (users.length > 0) return inUse('challenge set', command.id, users);
  tx.delete('challengeSet', command.id);
  return ok({ deleted: 1 });
};

export const setDeleteAll: Handler<'set.deleteAll'> = (_command, { tx }) => {
  const sets = tx.all('challengeSet');
  for (const set of sets) {
    const users = setUsers(tx, set.id);
    if (users.length > 0) return inUse('challenge set', set.id, users);
  }
  for (const set of sets) tx.delete('challengeSet', set.id);
  return ok({ deleted: sets.length });
};

function setUsers(tx: Tx, id: number): string[] {
  return tx
    .all('challenge')
    .filter((c) => c.sets.includes(id))
    .map((c) => `challenge ${c.id}`);
}
