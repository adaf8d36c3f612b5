import type { Rng } from '../../src/engine/rng.js';
import type { Answer, WireClient } from './support.js';

/** The mutating requests the load sends; each one's effect can be found again by its unique `key`. */
export type LoadKind =
  'session.add' | 'player.add' | 'ping' | 'announcement.schedule' | 'announcement.cancel';

/** One request the load sent, and its answer if one arrived (= acknowledged). */
export interface Tracked {
  /** The hello `client` identity it was sent under. */
  readonly client: string;
  readonly id: string;
  readonly kind: LoadKind;
  readonly command: Record<string, unknown>;
  readonly session: number | undefined;
  /** The session name, player name, ping text or announcement text that identifies its effect. */
  readonly key: string;
  /** For a cancel: the schedule request it cancels. */
  readonly target?: Tracked;
  answer: Answer | undefined;
}

export interface LoadOptions {
  readonly rng: Rng;
  /** Unique per worker and cycle; part of every key and request id. */
  readonly prefix: string;
  /** The session announcements are scheduled in. */
  readonly timerSession: number;
  /** Requests kept in flight at once. */
  readonly depth: number;
  /** Announcements fall due this many ms after they are sent (range). */
  readonly dueMs: readonly [number, number];
  readonly ledger: Tracked[];
}

/**
 * Sends a seeded mix of mutating requests over one connection, keeping `depth` in flight, until `stop()`
 * says so or the connection drops. Every request goes into the ledger before it is sent; its answer is
 * recorded when (if) it arrives.
 */
export async function runLoad(
  connection: WireClient,
  clientId: string,
  options: LoadOptions,
  stop: () => boolean,
): Promise<void> {
  const { rng, prefix } = options;
  let n = 0;
  const schedules: Tracked[] = [];

  const next = (): Tracked => {
    n++;
    const id = `${prefix}-${n}`;
    const roll = rng.next();
    const cancellable = schedules.filter((s) => s.answer?.message.ok === true);
    if (roll < 0.1 && cancellable.length > 0) {
      const target = cancellable.splice(rng.int(0, cancellable.length - 1), 1)[0] as Tracked;
      schedules.splice(schedules.indexOf(target), 1);
      const timer = (target.answer?.message as { result: { id: number } }).result.id;
      return track(
        id,
        'announcement.cancel',
        { type: 'announcement.cancel', id: timer },
        options.timerSession,
        target.key,
        target,
      );
    }
    if (roll < 0.3) {
      const key = `${prefix}-ann-${n}`;
      const at = Date.now() + rng.int(options.dueMs[0], options.dueMs[1]);
      const t = track(
        id,
        'announcement.schedule',
        { type: 'announcement.schedule', text: key, at },
        options.timerSession,
        key,
      );
      schedules.push(t);
      return t;
    }
    if (roll < 0.55) {
      const key = `${prefix}-s${n}`;
      return track(id, 'session.add', { type: 'session.add', name: key }, undefined, key);
    }
    if (roll < 0.8) {
      const key = `${prefix}-p${n}`;
      return track(
        id,
        'player.add',
        { type: 'player.add', name: key, passphrase: `pass-phrase-${key}` },
        undefined,
        key,
      );
    }
    const key = `${prefix}-ping-${n}`;
    return track(id, 'ping', { type: 'ping', text: key }, undefined, key);
  };

  const track = (
    id: string,
    kind: LoadKind,
    command: Record<string, unknown>,
    session: number | undefined,
    key: string,
    target?: Tracked,
  ): Tracked => {
    const t: Tracked = {
      client: clientId,
      id,
      kind,
      command,
      session,
      key,
      answer: undefined,
      ...(target ? { target } : {}),
    };
    options.ledger.push(t);
    return t;
  };

  const lane = async (): Promise<void> => {
    while (!stop() && connection.isOpen) {
      const t = next();
      t.answer = await connection.request(t.id, t.command, t.session);
      if (t.answer === undefined) return;
    }
  };
  await Promise.all(Array.from({ length: options.depth }, lane));
}
