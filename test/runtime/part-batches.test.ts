import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/protocol/commands/index.js';
import { BlobsInFlight } from '../../src/runtime/blobs-in-flight.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Peer } from '../../src/runtime/peer.js';
import { Replies } from '../../src/runtime/replies.js';
import { Stepper } from '../../src/runtime/stepper.js';
import { TurnBatch } from '../../src/runtime/turn-batch.js';
import { StepDriver } from '../game/support/drivers.js';
import { zurich } from '../game/support/game-day.js';
import { copyState, demoCatalogueState, setUpSession } from '../game/support/setup.js';
import { accepted, sealed } from '../game/support/world.js';

const admin: Peer = {
  id: 'admin',
  actor: { kind: 'admin' },
  session: null,
  send: () => undefined,
  close: () => undefined,
};

describe('[CLUSTER-18] a turn’s part batches', () => {
  it('[CLUSTER-18] are its steps by part, in first-step order, each with its own checkpoint, and together the whole commit', async () => {
    const d = new StepDriver(zurich(9, 0), 7, await demoCatalogueState());
    d.run({ type: 'ids.partition' }, undefined, { kind: 'system' });
    const s1 = await setUpSession(d, { name: 'Züri', teams: 2, perTeam: 1 });
    const s2 = await setUpSession(d, { name: 'Bern', teams: 2, perTeam: 1 });
    const passphrase = sealed('loner-secret');
    const loner = accepted<{ id: number }>(
      await d.call({ command: { type: 'player.add', name: 'Loner', passphrase, session: s2.session } }),
    );
    const [t1] = s1.teams as [number];
    const [t2] = s2.teams as [number];
    const stepper = new Stepper(
      copyState(d.state()),
      new FakeClock(d.now()),
      new Replies(() => undefined),
      new BlobsInFlight(),
    );
    const turn: [Command, number | undefined][] = [
      // A read adds nothing to any part's batch.
      [{ type: 'team.list' }, s2.session],
      [{ type: 'team.rename', team: t1, name: 'One' }, s1.session],
      [{ type: 'player.edit', id: loner.id, name: 'Lone' }, undefined],
      [{ type: 'player.forget', player: loner.id }, s2.session],
      [{ type: 'team.rename', team: t2, name: 'Two' }, s2.session],
      [{ type: 'team.rename', team: t1, name: 'Uno' }, s1.session],
    ];
    const batch = new TurnBatch();
    for (const [index, [command, session]] of turn.entries()) {
      const reply = { clientKey: 'admin/admin', requestId: String(index) };
      const { result } = stepper.step({ source: 'client', peer: admin, reply, command, session }, batch);
      expect(result.outcome.ok).toBe(true);
    }

    const parts = batch.ownParts();
    expect(parts.map((p) => p.part)).toEqual(['session:1', 'global', 'session:2']);
    const commands = (journal: readonly { input: string }[]): string[] =>
      journal.map((row) => (JSON.parse(row.input) as { command: { type: string } }).command.type);
    expect(parts.map((p) => commands(p.journal))).toEqual([
      ['team.rename', 'team.rename'],
      ['player.edit'],
      ['player.forget', 'team.rename'],
    ]);
    // The union of the parts is the commit, row for row; pruning stays with the local commit.
    const sorted = (rows: readonly unknown[]): string[] => rows.map((row) => JSON.stringify(row)).sort();
    for (const key of ['writes', 'broadcasts', 'journal', 'answers', 'statements'] as const)
      expect(sorted(parts.flatMap((p): readonly unknown[] => p[key] ?? []))).toEqual(sorted(batch[key]));
    expect(parts.every((p) => p.prune === undefined)).toBe(true);
    // The redaction's checkpoint counts in its own part's journal: session 2's first row.
    expect(parts.map((p) => p.checkpoint?.journalIndex)).toEqual([undefined, undefined, 0]);
    expect(batch.checkpoint?.journalIndex).toBe(2);
    expect(parts[2]?.checkpoint?.base).toBe(batch.checkpoint?.base);
  });
});
