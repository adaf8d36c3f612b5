import { emptyState } from '../engine/state.js';
import { seededRng, type Rng } from '../engine/rng.js';
import { step } from '../engine/step.js';
import { readJournalInput } from '../store/journal-input.js';
import { fromStateDocument, stateHash } from '../store/state-json.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { MutableState } from '../store/store.js';
import { applyWrites } from './apply.js';

export interface ReplayReport {
  readonly entries: number;
  readonly replayHash: string;
  readonly liveHash: string;
  readonly equal: boolean;
  /** Journal entries whose replay was refused although they were accepted live (should be none). */
  readonly refused: readonly number[];
}

/**
 * Rebuilds the state from the journal's base (the empty state, an imported one, or the state a privacy
 * checkpoint stored) by re-running every journaled command with the clock value, RNG seed and (a login)
 * token hash it ran with live (a row without a seed drew nothing from its RNG live: DURABILITY-9), and
 * compares the result with the stored live state (DURABILITY-3).
 */
export function replayJournal(store: SqliteStore): ReplayReport {
  // The journal and the live state are read from one snapshot: a server writing meanwhile cannot make
  // them disagree.
  return store.readSnapshot(() => replaySnapshot(store));
}

function replaySnapshot(store: SqliteStore): ReplayReport {
  const base = store.journalBase();
  const state: MutableState =
    base === undefined ? (emptyState() as unknown as MutableState) : fromStateDocument(JSON.parse(base));
  let entries = 0;
  const refused: number[] = [];
  // Rows up to a privacy checkpoint are already in the base (and may be redacted): PRIVACY-2.
  const after = store.journalBaseSeq();
  for (const entry of store.journal()) {
    if (entry.seq <= after) continue;
    const input = readJournalInput(entry);
    const result = step(state, input, {
      now: input.now,
      rng: input.seed === undefined ? unseeded(entry.seq) : seededRng(input.seed),
      loginTokenHash: input.tokenHash,
    });
    if (result.outcome.ok === false) refused.push(entry.seq);
    applyWrites(state, result.writes);
    entries++;
  }
  const replayHash = stateHash(state);
  const liveHash = stateHash(store.load());
  return { entries, replayHash, liveHash, equal: replayHash === liveHash, refused };
}

/**
 * The RNG of a row journaled without a seed: its step drew nothing live, so a draw now means replay runs
 * differently; it throws, and the engine refuses the step (which the report lists as refused).
 */
function unseeded(seq: number): Rng {
  const fail = (): never => {
    throw new Error(`Journal row ${seq} has no seed, yet its replay draws from the RNG.`);
  };
  return { next: fail, int: fail, pick: fail, shuffle: fail, normal: fail, hex: fail };
}
