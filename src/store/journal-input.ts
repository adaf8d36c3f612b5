import type { Actor } from '../engine/handler.js';
import type { Command } from '../protocol/commands/index.js';

/**
 * The journal row's `input` (DURABILITY-3), written by the runtime (journal-entry.ts) and read by replay,
 * the audit (AUTH-9) and the privacy statements (PRIVACY-2). A row keeps only what it cannot do without
 * (DURABILITY-9): the command, a compact actor (`p6`, `p6t12`: player 6 on login 12; `a`, `a3`: an admin,
 * game master 3; `g` guest; `s` system), the session, the clock reading only when it is not the row's
 * `at`, the seed only when the step drew from its RNG, the login's token hash, and the players the row is
 * about (`subjects`) only when they are not just the acting player. Rows written before kept everything
 * (`now`, `seed`, the actor as an object): both read the same.
 */
export interface JournalInput {
  readonly command: Command;
  readonly actor: Actor;
  readonly session: number | undefined;
  /** The clock reading the step ran with. */
  readonly now: number;
  /** The RNG seed; undefined when the step drew nothing from it. */
  readonly seed: number | string | undefined;
  readonly tokenHash: string | undefined;
  /** The players whose personal data the row may carry. */
  readonly subjects: readonly number[];
}

/** A journal row's input as stored (either form). */
interface StoredInput {
  readonly command: Command;
  readonly actor: string | Actor;
  readonly session?: number;
  readonly now?: number;
  readonly seed?: number | string;
  readonly tokenHash?: string;
  readonly subjects?: readonly number[];
  readonly checkpoint?: true;
}

/** What the runtime knows of a journaled step (see {@link journalText}). */
export interface JournaledStep {
  readonly command: Command;
  readonly actor: Actor;
  readonly session: number | undefined;
  readonly now: number;
  /** The row's time. */
  readonly at: number;
  /** The seed, or undefined when the step drew nothing from its RNG. */
  readonly seed: string | undefined;
  readonly tokenHash: string | undefined;
  readonly subjects: readonly number[];
  /** The row's commit redacts the journal: replay starts after it (PRIVACY-2). */
  readonly checkpoint: boolean;
}

/** A journaled step as its row's compact input. */
export function journalText(step: JournaledStep): string {
  const actor = compactActor(step.actor);
  const stored: StoredInput = {
    command: step.command,
    actor,
    ...(step.session === undefined ? {} : { session: step.session }),
    ...(step.now === step.at ? {} : { now: step.now }),
    ...(step.seed === undefined ? {} : { seed: step.seed }),
    ...(step.tokenHash === undefined ? {} : { tokenHash: step.tokenHash }),
    ...(isJustTheActor(step.subjects, step.actor) ? {} : { subjects: step.subjects }),
    ...(step.checkpoint ? { checkpoint: true } : {}),
  };
  return JSON.stringify(stored);
}

/** A journal row's input, in either form, with what the compact one leaves out filled back in. */
export function readJournalInput(row: { readonly at: number; readonly input: string }): JournalInput {
  const stored = JSON.parse(row.input) as StoredInput;
  const actor = typeof stored.actor === 'string' ? actorOf(stored.actor) : stored.actor;
  return {
    command: stored.command,
    actor,
    session: stored.session,
    now: stored.now ?? row.at,
    seed: stored.seed,
    tokenHash: stored.tokenHash,
    subjects: stored.subjects ?? (actor.kind === 'player' ? [actor.player] : []),
  };
}

/**
 * SQL for the acting player's id of a journal row's `input`, in either form (NULL when a player did not
 * act). `CAST('6t12' AS INTEGER)` is 6: SQLite takes the leading digits.
 */
export const ACTOR_PLAYER_SQL = `(CASE WHEN json_type(input, '$.actor') = 'text'
  THEN CASE WHEN json_extract(input, '$.actor') LIKE 'p%' THEN CAST(substr(json_extract(input, '$.actor'), 2) AS INTEGER) END
  ELSE json_extract(input, '$.actor.player') END)`;

/** SQL for the clock reading of a journal row, in either form. */
export const NOW_SQL = `COALESCE(json_extract(input, '$.now'), at)`;

function compactActor(actor: Actor): string {
  switch (actor.kind) {
    case 'player':
      return actor.token === undefined ? `p${actor.player}` : `p${actor.player}t${actor.token}`;
    case 'admin':
      return actor.gm === undefined ? 'a' : `a${actor.gm}`;
    case 'guest':
      return 'g';
    case 'system':
      return 's';
  }
}

const COMPACT_ACTOR = /^(?:p(\d+)(?:t(\d+))?|a(\d+)?|g|s)$/;

function actorOf(compact: string): Actor {
  const match = COMPACT_ACTOR.exec(compact);
  if (match === null) throw new Error(`A journal row names an unknown actor "${compact}".`);
  const [, player, token, gm] = match;
  if (player !== undefined)
    return token === undefined
      ? { kind: 'player', player: Number(player) }
      : { kind: 'player', player: Number(player), token: Number(token) };
  if (compact.startsWith('a'))
    return gm === undefined ? { kind: 'admin' } : { kind: 'admin', gm: Number(gm) };
  return compact === 'g' ? { kind: 'guest' } : { kind: 'system' };
}

function isJustTheActor(subjects: readonly number[], actor: Actor): boolean {
  if (actor.kind !== 'player') return subjects.length === 0;
  return subjects.length === 1 && subjects[0] === actor.player;
}
