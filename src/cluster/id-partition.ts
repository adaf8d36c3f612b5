import { responseSchema } from '../protocol/envelope.js';
import type { Runtime } from '../runtime/runtime.js';
import { AnswerPeer } from './answer-peer.js';

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
  const peer = new AnswerPeer(`ids.partition/${node}`, { kind: 'system' });
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
