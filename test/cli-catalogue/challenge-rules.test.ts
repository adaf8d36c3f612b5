import { CHALLENGE_DEFAULTS } from '../../src/engine/catalogue/defaults.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TruinlagError, type TruinlagClient } from '../../src/client/node.js';
import { CHALLENGE_KINDS, type ChallengeInput } from '../../src/protocol/catalogue.js';
import {
  closeClients,
  openClient,
  removeTempDirs,
  startTestServer,
  stopTestServers,
} from '../helpers/index.js';

/**
 * CATALOGUE-3 to CATALOGUE-6 through the protocol: the engine validates every challenge at the boundary
 * (the reference did not), over a real WebSocket connection. Each case breaks exactly one rule of a valid challenge and
 * must get INVALID with `details.rule` naming that rule; nothing is stored.
 */
let client: TruinlagClient;
let ids: { set: number; zone: number; sector: number };

beforeAll(async () => {
  const server = await startTestServer();
  client = await openClient({ url: server.url, token: server.adminToken });
  const set = await client.request({ type: 'set.add', name: 'base' });
  const sector = await client.request({ type: 'sector.add', name: 'C' });
  const zone = await client.request({
    type: 'zone.add',
    zone: {
      number: 110,
      numConnZones: 9,
      numConnections: 400,
      trainThrough: true,
      mongus: false,
      sBahnZone: true,
      minutesTo: {},
      closeSectors: [sector.id],
    },
  });
  ids = { set: set.id, zone: zone.id, sector: sector.id };
});

afterAll(async () => {
  closeClients();
  await stopTestServers();
  removeTempDirs();
});

/** A valid challenge of each kind (every rule satisfied). */
function valid(kind: ChallengeInput['kind']): ChallengeInput {
  const common: ChallengeInput = {
    ...CHALLENGE_DEFAULTS,
    kind,
    sets: [ids.set],
    status: 'Approved',
    title: 'Title',
    description: 'Description',
    additionalPoints: 100,
  };
  switch (kind) {
    case 'Kaff':
      return {
        ...common,
        title: null,
        description: null,
        place: 'Wasterkingen',
        kaffskala: 6,
        grade: 5,
        zones: [ids.zone],
      };
    case 'ZKaff':
      return {
        ...common,
        title: null,
        description: null,
        place: 'Frankental',
        stationDistance: 1200,
        timeToHb: 18,
        sectors: [ids.sector],
      };
    case 'Ortsspezifisch':
      return { ...common, kaffskala: 3, grade: 2, zones: [ids.zone] };
    case 'Regionsspezifisch':
    case 'Unspezifisch':
    case 'Zoneable':
      return common;
  }
}

/** The rule each case breaks, the kind it starts from, and the one change that breaks it. */
const CASES: [string, string, ChallengeInput['kind'], Partial<ChallengeInput>][] = [
  ['2: a challenge needs a set', 'needs-set', 'Unspezifisch', { sets: [] }],
  ['3: a Kaff needs a place', 'kaff-needs-place', 'Kaff', { place: null }],
  ['3: a ZKaff needs a place', 'zkaff-needs-place', 'ZKaff', { place: '  ' }],
  [
    '4: a Kaff without random place needs a kaffskala',
    'located-needs-kaffskala',
    'Kaff',
    { kaffskala: null },
  ],
  [
    '4: an Ortsspezifisch without random place needs a grade',
    'located-needs-grade',
    'Ortsspezifisch',
    { grade: null },
  ],
  [
    '4: an Ortsspezifisch without random place needs a zone',
    'located-needs-zone',
    'Ortsspezifisch',
    { zones: [] },
  ],
  ['5: a ZKaff needs a station distance', 'zkaff-needs-station-distance', 'ZKaff', { stationDistance: 0 }],
  ['5: a ZKaff needs a time to HB', 'zkaff-needs-time-to-hb', 'ZKaff', { timeToHb: 0 }],
  ['6: an Unspezifisch needs a title', 'needs-title', 'Unspezifisch', { title: null }],
  ['6: a Zoneable needs a description', 'needs-description', 'Zoneable', { description: '' }],
  [
    '7: a random place only on Ortsspezifisch',
    'random-place-only-ortsspezifisch',
    'Zoneable',
    { randomPlace: 'Zone' },
  ],
  ['importer: a place only on Kaff/ZKaff', 'place-only-kaff-zkaff', 'Regionsspezifisch', { place: 'Zug' }],
  ['importer: no %z in a Kaff text', 'kaff-no-zone-placeholder', 'Kaff', { title: 'Zone %z' }],
];

describe('[CATALOGUE-3] challenge.add breaking one catalogue rule over a real connection', () => {
  it('the valid base of every kind is accepted (so each case below fails for its one change)', async () => {
    for (const kind of CHALLENGE_KINDS) {
      const added = await client.request({ type: 'challenge.add', challenge: valid(kind) });
      expect(added).toMatchObject({ kind, id: expect.any(Number) as number });
      await client.request({ type: 'challenge.delete', id: added.id });
    }
  });

  it.each(CASES)('rule %s → INVALID, rule %s', async (_name, rule, kind, change) => {
    const error = await client
      .request({ type: 'challenge.add', challenge: { ...valid(kind), ...change } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TruinlagError);
    expect(error).toMatchObject({ code: 'INVALID', details: { rule } });
    expect(await client.request({ type: 'challenge.list' })).toEqual([]);
  });

  it('[CATALOGUE-6] a ToSort challenge breaking the completeness rules is accepted', async () => {
    const added = await client.request({
      type: 'challenge.add',
      challenge: { ...valid('Kaff'), status: 'ToSort', sets: [], place: null, kaffskala: null, zones: [] },
    });
    expect(added.status).toBe('ToSort');
    await client.request({ type: 'challenge.delete', id: added.id });
  });

  it('an edit is validated as a whole: removing the set of a stored challenge is refused', async () => {
    const added = await client.request({ type: 'challenge.add', challenge: valid('Unspezifisch') });
    await expect(
      client.request({ type: 'challenge.edit', id: added.id, changes: { sets: [] } }),
    ).rejects.toMatchObject({
      code: 'INVALID',
      details: { rule: 'needs-set' },
    });
    expect(await client.request({ type: 'challenge.get', id: added.id })).toMatchObject({ sets: [ids.set] });
    await client.request({ type: 'challenge.delete', id: added.id });
  });
});
