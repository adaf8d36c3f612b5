import type { Outcome } from '../engine/handler.js';
import { partKey, type Part } from '../engine/parts.js';
import { blobKey } from '../engine/pictures/records.js';
import { lazilySeededRng } from '../engine/rng.js';
import { step, type StepResult } from '../engine/step.js';
import type { Command } from '../protocol/commands/index.js';
import { encodeHttpFailure, encodeHttpResult, encodeResponse } from '../protocol/encode.js';
import type { LoggedBroadcast, MutableState } from '../store/store.js';
import { applyWrites } from './apply.js';
import type { BlobsInFlight } from './blobs-in-flight.js';
import { addPrivacy, journalInput } from './journal-entry.js';
import type { Clock } from './clock.js';
import { actorOf, type Inbound } from './inbound.js';
import { LatestLocations } from './latest-locations.js';
import { partOfItem } from './ownership.js';
import { issuePlayerToken, withIssuedToken } from './player-tokens.js';
import { RandomPool } from './random-pool.js';
import type { Replies } from './replies.js';
import { sequence } from './sequencer.js';
import type { TurnBatch } from './turn-batch.js';

/** One stepped item: what the engine returned, its response frame and its sequenced broadcasts. */
export interface Stepped {
  readonly item: Inbound;
  readonly result: StepResult;
  /** The response, rendered once (undefined while the answer is deferred to a job). */
  readonly frame: string | undefined;
  readonly broadcasts: readonly LoggedBroadcast[];
}

/**
 * Runs the pure engine for one inbound item against the live state, with the clock's reading and a fresh
 * seed, applies its writes to memory (undoably) and adds everything its commit needs to the turn's batch,
 * as one span of the step's part (CLUSTER-18): the writes, the sequenced broadcasts, the journal entry
 * replay (and the audit) needs, the step's privacy statements, and the answer kept for IDEMPOTENCY-1.
 */
export class Stepper {
  private readonly random = new RandomPool();

  constructor(
    private readonly state: MutableState,
    private readonly clock: Clock,
    private readonly replies: Replies,
    private readonly blobsInFlight: BlobsInFlight,
    private readonly locations = new LatestLocations([]),
  ) {}

  /** Steps an item of `part` (the part its step runs in, decided before it). */
  step(item: Inbound, batch: TurnBatch, part: Part = partOfItem(item, this.state)): Stepped {
    const now = this.clock.now();
    const actor = actorOf(item);
    const input = { command: item.command, actor, session: item.session };
    // A login's token is drawn here, outside the seed, and only its hash goes in (AUTH-8).
    const issued = item.command.type === 'auth.login' ? issuePlayerToken() : undefined;
    const tokenHash = issued?.hash;
    const rng = lazilySeededRng(() => this.random.hex(16));
    const result = step(this.state, input, { now, rng, loginTokenHash: tokenHash });
    applyWrites(this.state, result.writes, batch.undo);
    const broadcasts = result.broadcasts.map((pending) => {
      const b = sequence(this.state, pending, now, batch.undo);
      const { event } = pending;
      return event.type === 'location' ? this.locations.supersede(b, event.team, batch.undo) : b;
    });
    batch.writes.push(...result.writes);
    batch.broadcasts.push(...broadcasts);
    // A redacting step is journaled even when it wrote nothing (a `player.forget` in a session that holds
    // nothing of the player but journal rows, CLUSTER-17): its row is the checkpoint replay starts after.
    if (result.writes.length > 0 || result.redactions !== undefined)
      batch.journal.push({
        at: now,
        // A step that drew nothing from its RNG replays without a seed (DURABILITY-9).
        input: journalInput(input, result, now, rng.seed, tokenHash),
      });
    // The bytes of a processed picture are named by its record now, or by nothing (refused).
    if (item.command.type === 'picture.processed' && item.command.result.ok)
      this.blobsInFlight.release([item.command.result.full, item.command.result.thumb].map(blobKey));
    addPrivacy(batch, result, this.state, this.blobsInFlight);
    const reply = item.reply;
    const outcome = issued === undefined ? result.outcome : withIssuedToken(result.outcome, issued);
    const answer = reply === undefined ? undefined : answerOf(outcome);
    const frame =
      reply === undefined || answer === undefined ? undefined : encodeResponse(reply.requestId, answer);
    // An answer carrying a fresh token is not kept: the store would hold the token (AUTH-8).
    if (
      reply !== undefined &&
      answer !== undefined &&
      issued === undefined &&
      isRecorded(item.command, result)
    )
      batch.answers.push(this.replies.record(reply, answer, now));
    batch.endSpan(partKey(part));
    return { item, result, frame, broadcasts };
  }
}

/**
 * An answer is kept only where re-running its request could apply something twice: the request changed or
 * announced something (IDEMPOTENCY-5). Reads and refusals keep nothing: a refused request changed nothing
 * (DURABILITY-2), so a re-send is run again, and whatever the engine decides then applies once. Nor does
 * a location report: run again, it is not newer than itself and is not taken (LOCATION-8) — and it is
 * most of a day's requests.
 */
function isRecorded(command: Command, result: StepResult): boolean {
  if (command.type === 'location.send') return false;
  return result.writes.length > 0 || result.broadcasts.length > 0;
}

/** The answer without its envelope (`{"ok":…}`), what is kept; undefined while deferred to a job. */
function answerOf(outcome: Outcome<unknown>): string | undefined {
  if (outcome.ok === 'deferred') return undefined;
  return outcome.ok ? encodeHttpResult(outcome.result) : encodeHttpFailure(outcome.error);
}
