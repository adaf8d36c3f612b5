import { encodeResponse } from '../../src/protocol/encode.js';
import type { StepInput } from '../../src/engine/step.js';
import type { BroadcastMessage } from '../../src/protocol/envelope.js';
import type { Tracked } from './load.js';
import type { StoreSnapshot } from './support.js';

/* ---------------------------------------------------------------------------------------------- */
/* Checks of one tracked request against a store snapshot                                          */
/* ---------------------------------------------------------------------------------------------- */

/** A store snapshot counted by the keys requests leave behind (built once per snapshot). */
interface Indexed {
  readonly answers: Map<string, string>;
  /** `kind\0key` → count, for records, broadcasts and journal entries. */
  readonly records: Map<string, number>;
  readonly broadcasts: Map<string, number>;
  readonly journal: Map<string, number>;
  /** record kind + name → id (session and player names are unique here). */
  readonly ids: Map<string, number>;
}

const indexes = new WeakMap<StoreSnapshot, Indexed>();

function indexed(store: StoreSnapshot): Indexed {
  const known = indexes.get(store);
  if (known !== undefined) return known;
  const count = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  const index: Indexed = {
    answers: new Map(),
    records: new Map(),
    broadcasts: new Map(),
    journal: new Map(),
    ids: new Map(),
  };
  for (const row of store.answered) index.answers.set(`${row.client}\0${row.request}`, row.answer);
  for (const e of store.entities) {
    if (e.kind === 'session' || e.kind === 'player') {
      const kind = e.kind === 'session' ? 'session.add' : 'player.add';
      count(index.records, `${kind}\0${String(e.doc.name)}`);
      index.ids.set(`${kind}\0${String(e.doc.name)}`, e.id);
    } else if (e.kind === 'timer') {
      count(index.records, `announcement.schedule\0${String((e.doc.command as { text?: string }).text)}`);
    }
  }
  for (const row of store.broadcasts) {
    const event = JSON.parse(row.event) as BroadcastMessage['event'];
    if (event.type === 'session.added') count(index.broadcasts, `session.add\0${event.session.name}`);
    else if (event.type === 'player.added') count(index.broadcasts, `player.add\0${event.player.name}`);
    else if (event.type === 'pinged') count(index.broadcasts, `ping\0${String(event.text)}`);
    else if (event.type === 'announcement') count(index.broadcasts, `announcement.schedule\0${event.text}`);
  }
  for (const row of store.journal) {
    const command = (JSON.parse(row.input) as StepInput).command as Record<string, unknown>;
    count(index.journal, `${String(command.type)}\0${String(command.name ?? command.text)}`);
  }
  indexes.set(store, index);
  return index;
}

/** The kept answer to a tracked request, as the response frame a re-send gets (IDEMPOTENCY-1). */
export function answered(store: StoreSnapshot, t: Tracked): string | undefined {
  const answer = indexed(store).answers.get(`admin/${t.client}\0${t.id}`);
  return answer === undefined ? undefined : encodeResponse(t.id, answer);
}

interface Effects {
  readonly records: number;
  readonly broadcasts: number;
  readonly journal: number;
}

/** How often a request's effect shows up in each part of the store. */
function effects(t: Tracked, store: StoreSnapshot): Effects {
  const index = indexed(store);
  const key = `${t.kind}\0${t.key}`;
  if (t.kind === 'announcement.cancel') return { records: 0, broadcasts: 0, journal: 0 };
  return {
    records: index.records.get(key) ?? 0,
    broadcasts: index.broadcasts.get(key) ?? 0,
    journal: t.kind === 'ping' ? 0 : (index.journal.get(key) ?? 0),
  };
}

/** Right after a restart: a request is applied completely or not at all, and acknowledged ones are applied. */
export function allOrNothing(t: Tracked, store: StoreSnapshot): string[] {
  const stored = answered(store, t);
  const problems: string[] = [];
  // A refusal changed nothing and is not stored (IDEMPOTENCY-5); every other answer is.
  const refused = t.answer !== undefined && !t.answer.message.ok;
  if (refused && stored !== undefined)
    problems.push(`${t.id} (${t.kind}) was refused with ${t.answer?.text}, but the store keeps ${stored}`);
  if (t.answer !== undefined && !refused && stored !== t.answer.text)
    problems.push(
      `${t.id} (${t.kind}) was acknowledged with ${t.answer.text}, but the store has ${stored ?? 'no answer'}`,
    );
  const applied = stored !== undefined && (JSON.parse(stored) as { ok: boolean }).ok;
  const e = effects(t, store);
  const want = applied ? 1 : 0;
  const state = applied ? 'committed' : 'not committed';
  switch (t.kind) {
    case 'session.add':
    case 'player.add':
      if (e.records !== want || e.broadcasts !== want || e.journal !== want)
        problems.push(`${t.id} (${t.kind}, ${state}) is partly applied: ${JSON.stringify(e)}`);
      break;
    case 'ping':
      if (e.broadcasts !== want) problems.push(`${t.id} (ping, ${state}) has ${e.broadcasts} broadcasts`);
      break;
    case 'announcement.schedule':
      // Scheduled: the journal has it, and it is either still armed or delivered (or was cancelled).
      if (e.journal !== want || e.records + e.broadcasts > want)
        problems.push(`${t.id} (schedule, ${state}) is partly applied: ${JSON.stringify(e)}`);
      break;
    case 'announcement.cancel':
      break;
  }
  return problems;
}

/** Once everything was answered and the timers settled: each effect exactly once (cancelled: never). */
export function exactlyOnce(t: Tracked, store: StoreSnapshot, cancelled: ReadonlySet<string>): string[] {
  if (t.answer === undefined) return [`${t.id} (${t.kind}) was never answered`];
  const e = effects(t, store);
  const result = t.answer.message.ok ? (t.answer.message.result as { id?: number }) : undefined;
  switch (t.kind) {
    case 'session.add':
    case 'player.add': {
      const id = indexed(store).ids.get(`${t.kind}\0${t.key}`);
      if (e.records !== 1 || e.broadcasts !== 1 || e.journal !== 1 || id !== result?.id)
        return [
          `${t.id} (${t.kind}) is not there exactly once as answered (id ${result?.id}): ${JSON.stringify(e)}`,
        ];
      return [];
    }
    case 'ping':
      return e.broadcasts === 1 ? [] : [`${t.id} (ping) was broadcast ${e.broadcasts} times`];
    case 'announcement.schedule': {
      const want = cancelled.has(t.key) ? 0 : 1;
      return e.journal === 1 && e.records === 0 && e.broadcasts === want
        ? []
        : [`${t.id} (${want === 0 ? 'cancelled ' : ''}announcement) ${JSON.stringify(e)}`];
    }
    case 'announcement.cancel':
      return [];
  }
}
