import { responseSchema } from '../protocol/envelope.js';
import type { FrameKind, Peer } from '../runtime/peer.js';
import type { Runtime } from '../runtime/runtime.js';

/**
 * Switches a cluster owner's state to the `per-session` id space before it serves (CLUSTER-16), so that
 * sessions can later be owned by different nodes without ever handing out the same id. A new cluster's
 * first owner and an existing installation's first cluster start switch (their old ids stay); a state
 * already switched is left alone, so the switch is journaled once.
 *
 * It runs `ids.partition` through the runtime like any request (journaled, appended to the log, answered
 * after its commit), as the engine itself (a system actor: the command is internal), from a connection of
 * its own that receives no broadcasts. Resolves once the switch is durable; rejects when it was refused.
 */
export async function partitionIds(runtime: Runtime, node: string, term: number): Promise<void> {
  if (runtime.current.idSpace === 'per-session') return;
  const peer = new SwitchPeer(`ids.partition/${node}`);
  runtime.attach(peer);
  try {
    runtime.submit({
      source: 'client',
      peer,
      reply: { clientKey: peer.id, requestId: `term-${term}` },
      command: { type: 'ids.partition' },
      session: undefined,
    });
    const answer = responseSchema.parse(JSON.parse(await peer.response));
    if (!answer.ok)
      throw new Error(`ids.partition was refused: ${answer.error.code} ${answer.error.message}`);
  } finally {
    runtime.detach(peer);
  }
}

/** The switch's connection: the engine itself, answered once, no broadcasts. */
class SwitchPeer implements Peer {
  readonly actor = { kind: 'system' } as const;
  readonly session = null;
  readonly broadcasts = false;
  readonly response: Promise<string>;
  private answered: (frame: string) => void = () => undefined;
  private closed: (error: Error) => void = () => undefined;

  constructor(readonly id: string) {
    this.response = new Promise((resolve, reject) => {
      this.answered = resolve;
      this.closed = reject;
    });
  }

  send(frame: string, kind: FrameKind): void {
    if (kind === 'response') this.answered(frame);
  }

  close(_code: number, reason: string): void {
    this.closed(new Error(`The runtime closed the switch's connection: ${reason}`));
  }
}
