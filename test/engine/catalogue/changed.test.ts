import { describe, expect, it } from 'vitest';
import { CHALLENGE_DEFAULTS } from '../../../src/engine/catalogue/defaults.js';
import type { Command } from '../../../src/protocol/commands/index.js';
import { found } from '../../helpers/found.js';
import { StepDriver } from '../../game/support/drivers.js';

const ZONE = {
  number: 110,
  numConnZones: 9,
  numConnections: 400,
  trainThrough: true,
  mongus: false,
  sBahnZone: true,
  minutesTo: {},
  closeSectors: [],
};

describe('[CATALOGUE-12] catalogue changes are broadcast to admins', () => {
  /** The broadcasts one command made, as the driver logged them. */
  const broadcastsOf = (d: StepDriver, command: Command) => {
    const from = d.log.length;
    const result = d.run(command);
    return { ok: result.outcome.ok, broadcasts: d.log.slice(from) };
  };
  const changed = (kind: string) => [
    { session: null, audience: 'admins', event: { type: 'catalogue.changed', kind } },
  ];

  it('[CATALOGUE-12] one broadcast per changing command, naming its table; none for reads and refusals', () => {
    const d = new StepDriver(Date.UTC(2026, 5, 1, 8), 7);
    expect(broadcastsOf(d, { type: 'set.add', name: 'Alle' }).broadcasts).toEqual(changed('set'));
    expect(broadcastsOf(d, { type: 'set.add', name: 'Alle' })).toEqual({ ok: false, broadcasts: [] });
    expect(broadcastsOf(d, { type: 'set.list' }).broadcasts).toEqual([]);
    const set = found(d.state().tables.challengeSet.values().next().value, 'the set').id;
    const challenge = {
      ...CHALLENGE_DEFAULTS,
      kind: 'Unspezifisch' as const,
      status: 'Approved' as const,
      title: 'Eins',
      description: 'A challenge.',
      additionalPoints: 100,
      sets: [set],
    };
    expect(broadcastsOf(d, { type: 'challenge.add', challenge }).broadcasts).toEqual(changed('challenge'));
    expect(broadcastsOf(d, { type: 'zone.add', zone: ZONE }).broadcasts).toEqual(changed('zone'));
    for (const name of ['A', 'B'])
      expect(broadcastsOf(d, { type: 'sector.add', name }).broadcasts).toEqual(changed('sector'));
    const [a, b] = [...d.state().tables.sector.keys()];
    expect(
      broadcastsOf(d, { type: 'sector.link', a: found(a, 'sector A'), b: found(b, 'sector B') }).broadcasts,
    ).toEqual(changed('sector'));
    // A set a challenge belongs to cannot be deleted (CATALOGUE-8): refused, nothing broadcast.
    expect(broadcastsOf(d, { type: 'set.delete', id: set })).toEqual({ ok: false, broadcasts: [] });
    expect(broadcastsOf(d, { type: 'challenge.deleteAll' }).broadcasts).toEqual(changed('challenge'));
  });
});
