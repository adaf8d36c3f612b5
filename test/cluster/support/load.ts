import type { TruinlagClient } from '../../../src/client/client.js';
import { TruinlagError } from '../../../src/client/errors.js';
import type { BroadcastMessage } from '../../../src/protocol/envelope.js';

/** What an owner answers while it steps down: its shutdown refuses new work, a fenced commit fails. */
const STEP_DOWN_REFUSALS: ReadonlySet<string> = new Set(['SHUTTING_DOWN', 'INTERNAL', 'OWNER_UNAVAILABLE']);

/**
 * Mutating requests sent over one cluster client in a few lanes until stopped: each adds a session under
 * a unique name, so that its effect can be counted in the state afterwards. A request still waiting when
 * the owner dies is re-sent under the same id by the client after it reconnects (to the new owner).
 */
export class SessionLoad {
  /** Names whose `session.add` was answered ok, in answer order. */
  readonly acknowledged: string[] = [];
  /** Names whose `session.add` an owner refused while it stepped down. */
  readonly refused: string[] = [];
  /** Names whose `session.add` got no answer within the client's request timeout (nothing is promised). */
  readonly timedOut: string[] = [];
  private running = true;
  private readonly lanes: Promise<void>[];

  constructor(
    private readonly client: TruinlagClient,
    private readonly prefix: string,
    lanes = 4,
  ) {
    this.lanes = Array.from({ length: lanes }, (_, lane) => this.lane(lane));
  }

  /** Stops sending and waits for every request out to be answered. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
  }

  private async lane(lane: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const name = `${this.prefix}-${lane}-${n}`;
      try {
        await this.client.request({ type: 'session.add', name });
        this.acknowledged.push(name);
      } catch (error) {
        // An owner stepping down refuses what it cannot make durable any more: not acknowledged, so
        // nothing is promised about it; a client goes on (and reconnects to the new owner).
        if (!(error instanceof TruinlagError)) throw error;
        // A request no one answered in time is not acknowledged either: the lane goes on, so that the
        // test sees whether service came back, instead of every lane ending with an unhandled rejection.
        // A test that failed closes the client while the lane waits: the lane ends with it.
        if (error.code === 'CLOSED') return;
        if (error.code === 'TIMEOUT') this.timedOut.push(name);
        else if (STEP_DOWN_REFUSALS.has(error.code)) this.refused.push(name);
        else throw error;
      }
    }
  }
}

/** Problems with `names`: each must name exactly one session of the state. */
export async function notExactlyOnce(client: TruinlagClient, names: readonly string[]): Promise<string[]> {
  const { sessions } = await client.request({ type: 'state.get' });
  return notOnceIn(
    names,
    sessions.map((s) => s.name),
  );
}

/** Problems with `names`: each must be in `present` exactly once (`name: count` for each that is not). */
export function notOnceIn(names: readonly string[], present: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of present) counts.set(name, (counts.get(name) ?? 0) + 1);
  return names.filter((name) => counts.get(name) !== 1).map((name) => `${name}: ${counts.get(name) ?? 0}`);
}

/** One acknowledged request of a {@link TeamLoad}: the team's name, when it was sent and answered. */
export interface TeamAck {
  readonly name: string;
  readonly sentAt: number;
  readonly ackedAt: number;
}

/**
 * Mutating requests in one session over one client, one at a time with a short pause, until stopped:
 * each adds a team under a name unique in the session (`<tag><n>`: short, so that no two are similar
 * enough for TEAM-1 to refuse one), so that its effect can be counted in the state and the journal.
 */
export class TeamLoad {
  readonly acks: TeamAck[] = [];
  /** Names an owner refused while it stepped down: not acknowledged. */
  readonly refused: string[] = [];
  /** Names no answer came for within the client's request timeout: not acknowledged. */
  readonly timedOut: string[] = [];
  private running = true;
  private readonly lane: Promise<void>;

  constructor(
    private readonly client: TruinlagClient,
    readonly session: number,
    private readonly tag: string,
    private readonly pauseMs: number,
  ) {
    this.lane = this.run();
  }

  /** When the first request sent at or after `at` was acknowledged (undefined while none is). */
  servedAfter(at: number): number | undefined {
    return this.acks.find((a) => a.sentAt >= at)?.ackedAt;
  }

  /** Stops sending and waits for the request out to be answered. */
  async stop(): Promise<void> {
    this.running = false;
    await this.lane;
  }

  private async run(): Promise<void> {
    for (let n = 0; this.running; n++) {
      const name = `${this.tag}${n}`;
      const sentAt = Date.now();
      try {
        await this.client.request({ type: 'team.add', name }, { session: this.session });
        this.acks.push({ name, sentAt, ackedAt: Date.now() });
      } catch (error) {
        if (!(error instanceof TruinlagError)) throw error;
        // A request no one answered in time is not acknowledged either: the lane goes on, so that the
        // test sees whether service came back, instead of every lane ending with an unhandled rejection.
        // A test that failed closes the client while the lane waits: the lane ends with it.
        if (error.code === 'CLOSED') return;
        if (error.code === 'TIMEOUT') this.timedOut.push(name);
        else if (STEP_DOWN_REFUSALS.has(error.code)) this.refused.push(name);
        else throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}

/**
 * Gaps or repeats in the sequence numbers of one stream (a session's, or the global one: null) as a
 * client received them.
 */
export function streamGaps(received: readonly BroadcastMessage[], session: number | null): string[] {
  const seqs = received.filter((b) => b.session === session).map((b) => b.seq);
  const problems: string[] = [];
  for (let i = 1; i < seqs.length; i++)
    if (seqs[i] !== (seqs[i - 1] as number) + 1) problems.push(`${seqs[i - 1]} → ${seqs[i]}`);
  return problems;
}
