import type { Actor } from '../engine/handler.js';
import type { EngineState, Write } from '../engine/state.js';
import type { StepInput, StepResult } from '../engine/step.js';
import { blobDeleteStatement, redactionStatements } from '../store/privacy-sql.js';
import { journalText } from '../store/journal-input.js';
import { toStateDocument } from '../store/state-json.js';
import type { BlobsInFlight } from './blobs-in-flight.js';
import type { TurnBatch } from './turn-batch.js';

/**
 * One journal row's input (journal-input.ts): the step's input (with its actor, which the audit reads:
 * AUTH-9), the clock reading and — if the step drew from it — the seed (TIME-3), the players whose
 * personal data the row may carry (`subjects`, so that erasing one finds them: PRIVACY-2), and
 * `checkpoint` on a row whose commit redacts the journal.
 */
export function journalInput(
  input: StepInput,
  result: StepResult,
  now: number,
  seed: string | undefined,
  tokenHash: string | undefined,
): string {
  // Named one by one: a spread followed by new keys costs V8 (Node 20) about 1 µs per key, here per command.
  return journalText({
    command: input.command,
    actor: input.actor,
    session: input.session,
    now,
    at: now,
    seed,
    tokenHash,
    subjects: subjectsOf(input.actor, result.writes),
    checkpoint: result.redactions !== undefined,
  });
}

/**
 * The players a row is about: the acting player, and every player whose record, login, picture or last
 * position the command wrote (a name, passphrase, phone or position in its parameters belongs to one of
 * those). A position's id is its player's, deleted ones included (CLUSTER-12).
 */
function subjectsOf(actor: Actor, writes: readonly Write[]): number[] {
  const subjects = new Set<number>();
  if (actor.kind === 'player') subjects.add(actor.player);
  for (const write of writes) {
    if ((write.op === 'put' || write.op === 'delete') && write.table === 'position') subjects.add(write.id);
    if (write.op !== 'put') continue;
    if (write.table === 'player') subjects.add(write.id);
    const doc = write.doc as { player?: unknown; kind?: unknown; owner?: unknown; uploadedBy?: unknown };
    if (write.table === 'token' && typeof doc.player === 'number') subjects.add(doc.player);
    if (write.table === 'picture') {
      if (doc.kind === 'player' && typeof doc.owner === 'number') subjects.add(doc.owner);
      if (typeof doc.uploadedBy === 'number') subjects.add(doc.uploadedBy);
    }
  }
  return [...subjects].sort((a, b) => a - b);
}

/**
 * Adds a step's privacy outputs to its turn's commit (PRIVACY-1, PRIVACY-2): blob deletes, the redaction
 * of journal and log rows, and — since redacted rows no longer replay to the same state — a checkpoint:
 * the state after this step (the live state, right after its writes) becomes the journal's base, which
 * replay starts from. The step's own row is the batch's last journal row. Bytes a picture job stored for a
 * picture not recorded yet stay (`inFlight`): the new picture is about to name them.
 */
export function addPrivacy(
  batch: TurnBatch,
  result: StepResult,
  state: EngineState,
  inFlight: BlobsInFlight,
): void {
  if (result.redactions === undefined && result.blobDeletes === undefined) return;
  const blobDeletes = (result.blobDeletes ?? []).filter((key) => !inFlight.has(key));
  batch.statements.push(
    ...blobDeletes.map(blobDeleteStatement),
    ...(result.redactions ?? []).flatMap(redactionStatements),
  );
  if (result.redactions !== undefined) checkpointAtLastRow(batch, state);
}

/**
 * Makes the batch's last journal row the checkpoint: replay starts after it from `state`, the live state
 * right after that row's changes (a redacting step's, or a replicated batch's that carried one: each
 * node's base is its own state, never another node's).
 */
export function checkpointAtLastRow(batch: TurnBatch, state: EngineState): void {
  batch.checkpoint = {
    journalIndex: batch.journal.length - 1,
    base: JSON.stringify(toStateDocument(state)),
  };
}
