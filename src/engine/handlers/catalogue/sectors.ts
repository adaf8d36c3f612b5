import type { Sector } from '../../catalogue/types.js';
import { validateSector } from '../../catalogue/validation.js';
import { fail, notFound, ok, type Handler } from '../../handler.js';
import type { Tx } from '../../tx.js';
import { catalogueOf, inUse, invalid } from './shared.js';

export const sectorAdd: Handler<'sector.add'> = (command, { tx }) => {
  const input = { name: command.name, neighbours: [] };
  const violations = validateSector(input, catalogueOf(tx).sectors);
  if (violations.length > 0) return invalid(violations);
  return ok(tx.put('sector', { ...input, id: tx.newId('sector') }));
};

export const sectorList: Handler<'sector.list'> = (_command, { tx }) => ok(tx.all('sector'));

export const sectorGet: Handler<'sector.get'> = (command, { tx }) => {
  const sector = tx.get('sector', command.id);
  return sector === undefined ? notFound('sector', command.id) : ok(sector);
};

export const sectorDelete: Handler<'sector.delete'> = (command, { tx }) => {
  if (tx.get('sector', command.id) === undefined) return notFound('sector', command.id);
  const users = sectorUsers(tx, command.id);
  if (users.length > 0) return inUse('sector', command.id, users);
  removeSector(tx, command.id);
  return ok({ deleted: 1 });
};

export const sectorDeleteAll: Handler<'sector.deleteAll'> = (_command, { tx }) => {
  const sectors = tx.all('sector');
  for (const sector of sectors) {
    const users = sectorUsers(tx, sector.id);
    if (users.length > 0) return inUse('sector', sector.id, users);
  }
  for (const sector of sectors) tx.delete('sector', sector.id);
  return ok({ deleted: sectors.length });
};

/** Links (or unlinks) two sectors in both directions: neighbourhood is symmetric. */
export const sectorLink: Handler<'sector.link'> = (command, { tx }) => {
  const a = tx.get('sector', command.a);
  const b = tx.get('sector', command.b);
  if (a === undefined) return notFound('sector', command.a);
  if (b === undefined) return notFound('sector', command.b);
  if (a.id === b.id)
    return fail('INVALID', 'A sector cannot neighbour itself.', { rule: 'sector-self-neighbour' });
  const link = (s: Sector, other: number): Sector => ({
    ...s,
    neighbours:
      command.unlink === true
        ? s.neighbours.filter((n) => n !== other)
        : [...new Set([...s.neighbours, other])],
  });
  return ok([tx.put('sector', link(a, b.id)), tx.put('sector', link(b, a.id))]);
};

function sectorUsers(tx: Tx, id: number): string[] {
  return [
    ...tx
      .all('challenge')
      .filter((c) => c.sectors.includes(id))
      .map((c) => `challenge ${c.id}`),
    ...tx
      .all('zone')
      .filter((z) => z.closeSectors.includes(id))
      .map((z) => `zone ${z.id}`),
  ];
}

/** Deletes a sector and every neighbour link to it. */
function removeSector(tx: Tx, id: number): void {
  tx.delete('sector', id);
  for (const sector of tx.all('sector')) {
    if (sector.neighbours.includes(id))
      tx.put('sector', { ...sector, neighbours: sector.neighbours.filter((n) => n !== id) });
  }
}
