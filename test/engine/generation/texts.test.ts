import { describe, expect, it } from 'vitest';
import { NO_DISEMBARK_PREFIX, offerTexts, zoneableSuffix } from '../../../src/engine/generation/texts.js';
import { found } from '../../helpers/index.js';
import { exampleZones, kaff, makeChallenge, testConfig, Z, zkaff } from './fixtures.js';

const config = testConfig();
const zone135 = found(
  exampleZones().find((z) => z.id === Z.z135),
  'zone 135',
);

describe('[HAND-12] offer texts', () => {
  it('Kaff and ZKaff get automatic texts from the place', () => {
    expect(offerTexts(kaff(1, Z.z181, { place: 'Wasterkingen' }), 0, null, config)).toMatchObject({
      title: 'Usflug uf Wasterkingen',
      description: 'Gönd nach Wasterkingen.',
    });
    expect(offerTexts(zkaff(2, [], { place: 'Frankental' }), 0, null, config)).toMatchObject({
      title: 'Züridrift nach Frankental',
      description: 'Gönd zu de Station Frankental in Züri.',
    });
  });

  it('explicit texts override the automatic ones, field by field', () => {
    const c = kaff(1, Z.z181, { place: 'Wasterkingen', title: 'Ab is Kaff' });
    expect(offerTexts(c, 0, null, config)).toMatchObject({
      title: 'Ab is Kaff',
      description: 'Gönd nach Wasterkingen.',
    });
  });

  it('falls back to the configured default texts (blank counts as absent)', () => {
    const c = makeChallenge(1, { title: '  ', description: null });
    expect(
      offerTexts(c, 0, null, testConfig({ defaultChallengeTitle: 'T?', defaultChallengeDescription: 'D?' })),
    ).toMatchObject({
      title: 'T?',
      description: 'D?',
    });
  });

  it('fills %r always and %z/%s only with a zone', () => {
    const c = makeChallenge(1, { title: '%r× in %z', description: 'zone %s, %r times' });
    expect(offerTexts(c, 5, zone135, config)).toMatchObject({
      title: '5× in 135',
      description: 'zone 135, 5 times',
    });
    expect(offerTexts(c, 5, null, config)).toMatchObject({
      title: '5× in %z',
      description: 'zone %s, 5 times',
    });
  });

  it('prefixes no-disembark titles', () => {
    const c = makeChallenge(1, { title: 'Sing', noDisembark: true });
    expect(offerTexts(c, 0, null, config).title).toBe(`${NO_DISEMBARK_PREFIX}Sing`);
  });

  it('a zoned Zoneable names its zone in the description', () => {
    const c = makeChallenge(1, { kind: 'Zoneable', description: 'Do it.' });
    expect(offerTexts(c, 0, zone135, config).description).toBe(`Do it. ${zoneableSuffix(135)}`);
    expect(zoneableSuffix(135)).toContain('135');
    expect(offerTexts(c, 0, null, config).description).toBe('Do it.');
  });

  it('[CATALOGUE-7] fills the catalogue’s translations like the texts, leaving blank ones out', () => {
    const c = makeChallenge(1, {
      kind: 'Zoneable',
      title: 'Sing %r×',
      description: 'Sing in %z.',
      noDisembark: true,
      translatedTitles: { en: 'Sing %r times', fr: ' ' },
      translatedDescriptions: { en: 'Sing in zone %z.' },
    });
    expect(offerTexts(c, 3, zone135, config)).toEqual({
      title: `${NO_DISEMBARK_PREFIX}Sing 3×`,
      description: `Sing in 135. ${zoneableSuffix(135)}`,
      translatedTitles: { en: `${NO_DISEMBARK_PREFIX}Sing 3 times` },
      translatedDescriptions: { en: 'Sing in zone 135.' },
    });
  });
});
