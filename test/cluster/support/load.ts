import type { TruinlagClient } from '../../../src/client/client.js';
import { TruinlagError } from '../../../src/client/errors.js';
import type { BroadcastMessage } from '../../../src/protocol/envelope.js';

/** What an owner answers while it steps down: its shutdown refuses new work, a fenced commit fails. */
const STEP_DOWN_REFUSALS: ReadonlySet<string> = new Set(['SHUTTING_DOWN', 'INTERNAL']);

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
        if (!(error instanceof TruinlagError) || !STEP_DOWN_REFUSALS.has(error.code)) throw error;
        this.refused.push(name);
      }
    }
  }
}

/** Problems with `names`: each must name exactly one session of the state. */
export async function notExactlyOnce(client: TruinlagClient, names: readonly string[]): Promise<string[]> {
  const { sessions } = await client.request({ type: 'state.get' });
  const counts = new Map<string, number>();
  for (const session of sessions) counts.set(session.name, (counts.get(session.name) ?? 0) + 1);
  return names.filter((name) => counts.get(name) !== 1).map((name) => `${name}: ${counts.get(name) ?? 0}`);
}

/** Gaps or repeats in the global stream's sequence numbers as a client received them. */
export function globalStreamGaps(received: readonly BroadcastMessage[]): string[] {
  const seqs = received.filter((b) => b.session === null).map((b) => b.seq);
  const problems: string[] = [];
  for (let i = 1; i < seqs.length; i++)
    if (seqs[i] !== (seqs[i - 1] as number) + 1) problems.push(`${seqs[i - 1]} → ${seqs[i]}`);
  return problems;
}
