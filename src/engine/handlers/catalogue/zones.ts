import type { Zone, ZoneInput } from '../../catalogue/types.js';
import { validateZone } from '../../catalogue/validation.js';
import { fail, notFound, ok, type Handler, type Outcome } from '../../handler.js';
import type { Tx } from '../../tx.js';
import { definedFields } from './challenges.js';
import { catalogueOf, inUse, invalid } from './shared.js';

export const zoneAdd: Handler<'zone.add'> = (command, { tx }) => saveZone(tx, tx.newId('zone'), command.zone);

export const zoneEdit: Handler<'zone.edit'> = (command, { tx }) => {
  const current = tx.get('zone', command.id);
  if (current === undefined) return notFound('zone', command.id);
  const { id: _id, ...input } = current;
  return saveZone(tx, command.id, { ...input, ...definedFields(command.changes) });
};

export const zoneList: Handler<'zone.list'> = (_command, { tx }) => ok(tx.all('zone'));

export const zoneGet: Handler<'zone.get'> = (command, { tx }) => {
  const zone = tx.get('zone', command.id);
  return zone === undefined ? notFound('zone', command.id) : ok(zone);
};

export const zoneDelete: Handler<'zone.delete'> = (command, { tx }) => {
  if (tx.get('zone', command.id) === undefined) return notFound('zone', command.id);
  const users = zoneUsers(tx, command.id);
  if (users.length > 0) return inUse('zone', command.id, users);
  removeZone(tx, command.id);
  return ok({ deleted: 1 });
};

export const zoneDeleteAll: Handler<'zone.deleteAll'> = (_command, { tx }) => {
  const zones = tx.all('zone');
  for (const zone of zones) {
    const users = zoneUsers(tx, zone.id);
    if (users.length > 0) return inUse('zone', zone.id, users);
  }
  for (const zone of zones) tx.delete('zone', zone.id);
  return ok({ deleted: zones.length });
};

export const zoneSetMinutes: Handler<'zone.setMinutes'> = (command, { tx }) => {
  const from = tx.get('zone', command.from);
  const to = tx.get('zone', command.to);
  if (from === undefined) return notFound('zone', command.from);
  if (to === undefined) return notFound('zone', command.to);
  const there = saveZone(tx, from.id, {
    ...without(from),
    minutesTo: { ...from.minutesTo, [to.id]: command.minutes },
  });
  if (there.ok !== true || command.both !== true) return there.ok === true ? ok([there.result]) : there;
  const fresh = tx.get('zone', to.id) as Zone;
  const back = saveZone(tx, to.id, {
    ...without(fresh),
    minutesTo: { ...fresh.minutesTo, [from.id]: command.minutes },
  });
  return back.ok === true ? ok([there.result, back.result]) : back;
};

export const zoneSetCloseSectors: Handler<'zone.setCloseSectors'> = (command, { tx }) => {
  const zone = tx.get('zone', command.id);
  if (zone === undefined) return notFound('zone', command.id);
  if (new Set(command.sectors).size !== command.sectors.length) {
    return fail('INVALID', 'A sector is listed twice.', { rule: 'duplicate-sector', field: 'sectors' });
  }
  return saveZone(tx, zone.id, { ...without(zone), closeSectors: command.sectors });
};

function saveZone(tx: Tx, id: number, input: ZoneInput): Outcome<Zone> {
  const violations = validateZone(input, catalogueOf(tx), id);
  if (violations.length > 0) return invalid(violations);
  return ok(tx.put('zone', { ...input, id }));
}

function without(zone: Zone): ZoneInput {
  const { id: _id, ...input } = zone;
  return input;
}

function zoneUsers(tx: Tx, id: number): string[] {
  return tx
    .all('challenge')
    .filter((c) => c.zones.includes(id))
    .map((c) => `challenge ${c.id}`);
}

/** Deletes a zone and the travel minutes other zones had to it. */
function removeZone(tx: Tx, id: number): void {
  tx.delete('zone', id);
  for (const zone of tx.all('zone')) {
    if (!(id in zone.minutesTo)) continue;
    const minutesTo = { ...zone.minutesTo };
    delete minutesTo[id];
    tx.put('zone', { ...zone, minutesTo });
  }
}
