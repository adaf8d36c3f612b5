import { describe, expect, it } from 'vitest';
import { determinePhase, phaseAt, secondsIntoGame } from '../../../src/engine/generation/phase.js';
import { perimeterRadius } from '../../../src/engine/generation/slots.js';
import { seededRng } from '../../../src/engine/rng.js';
import { at, share, testConfig } from './fixtures.js';

const ZH = 'Europe/Zurich';
/** A summer Monday in Zürich (CEST, UTC+2). */
const monday = (hhmmss: string): number => at(`2025-06-16T${hhmmss}+02:00`);
const phaseOn = (hhmmss: string, over = {}) => phaseAt(monday(hhmmss), ZH, testConfig(over), seededRng(1));

describe('[HAND-3] phase boundaries with the default timeline and no wiggle', () => {
  const cases: [string, string][] = [
    ['06:00:00', 'Specific'],
    ['09:00:00', 'Specific'],
    ['09:15:00', 'Specific'],
    ['09:15:01', 'Normal'],
    ['13:29:59', 'Normal'],
    ['13:30:00', 'Perimeter'],
    ['14:59:59', 'Perimeter'],
    ['15:00:00', 'ZKaff'],
    ['16:29:59', 'ZKaff'],
    ['16:30:00', 'EndGame'],
    ['17:00:00', 'EndGame'],
    ['23:59:59', 'EndGame'],
  ];
  for (const [time, kind] of cases) {
    it(`${time} → ${kind}`, () => expect(phaseOn(time).phase.kind).toBe(kind));
  }

  it('ratios count whole minutes since the phase start', () => {
    expect(phaseOn('13:30:00').phase).toEqual({ kind: 'Perimeter', ratio: 0 });
    expect(phaseOn('14:59:59').phase).toEqual({ kind: 'Perimeter', ratio: 89 / 90 });
    expect(phaseOn('15:00:00').phase).toEqual({ kind: 'ZKaff', ratio: 0.3333 });
    expect(phaseOn('16:29:59').phase).toMatchObject({ kind: 'ZKaff', ratio: 0.3333 + 89 / 90 });
  });

  it('example 7: at 14:15 the perimeter ratio is 0.5 and P = 42', () => {
    const { phase } = phaseOn('14:15:00');
    expect(phase).toEqual({ kind: 'Perimeter', ratio: 0.5 });
    const config = testConfig();
    expect(perimeterRadius(0.5, config.perimDistanceRange)).toBe(42);
    expect(perimeterRadius(0, config.perimDistanceRange)).toBe(61);
    expect(perimeterRadius(89 / 90, config.perimDistanceRange)).toBe(24);
  });

  it('example 8: ZKaff ratios at 15:15, 15:45, 16:00', () => {
    const ratio = (t: string): number => {
      const { phase } = phaseOn(t);
      return phase.kind === 'ZKaff' ? phase.ratio : NaN;
    };
    expect(ratio('15:15:00')).toBeCloseTo(0.49997, 5);
    expect(ratio('15:45:00')).toBeCloseTo(0.8333, 4);
    expect(ratio('16:00:00')).toBeCloseTo(0.99997, 5);
  });

  it('reads the configured times in the session time zone', () => {
    // 09:20 in Zürich is 07:20 UTC: Normal in Zürich, Specific when the session runs on UTC.
    const t = monday('09:20:00');
    expect(phaseAt(t, ZH, testConfig(), seededRng(1)).phase.kind).toBe('Normal');
    expect(phaseAt(t, 'UTC', testConfig(), seededRng(1)).phase.kind).toBe('Specific');
  });

  it('uses custom start and end times', () => {
    const config = {
      startTime: '10:00',
      endTime: '14:00',
      perimeterMinutes: 30,
      zkaffMinutes: 30,
      endGameMinutes: 30,
    };
    expect(phaseOn('10:15:00', config).phase.kind).toBe('Specific');
    expect(phaseOn('12:29:59', config).phase.kind).toBe('Normal');
    expect(phaseOn('12:30:00', config).phase.kind).toBe('Perimeter');
    expect(phaseOn('13:00:00', config).phase.kind).toBe('ZKaff');
    expect(phaseOn('13:30:00', config).phase.kind).toBe('EndGame');
  });
});

describe('[HAND-4] games over midnight (end before start means the next day)', () => {
  const night = {
    startTime: '20:00',
    endTime: '02:00',
    perimeterMinutes: 60,
    zkaffMinutes: 60,
    endGameMinutes: 30,
  };

  it('measures from the start time across midnight', () => {
    expect(phaseOn('20:10:00', night).phase.kind).toBe('Specific');
    expect(phaseOn('22:00:00', night).phase.kind).toBe('Normal');
    expect(phaseOn('23:30:00', night).phase.kind).toBe('Perimeter');
    expect(phaseOn('00:30:00', night).phase.kind).toBe('ZKaff');
    expect(phaseOn('01:45:00', night).phase.kind).toBe('EndGame');
  });

  it('splits the off-game hours at their midpoint (02:00–20:00 → 11:00)', () => {
    expect(phaseOn('10:59:59', night).phase.kind).toBe('EndGame');
    expect(phaseOn('11:00:00', night).phase.kind).toBe('Specific');
    const config = testConfig(night);
    expect(secondsIntoGame(11 * 3600, config)).toBe(-9 * 3600);
    expect(secondsIntoGame(1 * 3600, config)).toBe(5 * 3600);
  });

  it('the default day game treats 00:30 as after the end and 01:00 as before the start', () => {
    expect(phaseOn('00:30:00').phase.kind).toBe('EndGame');
    expect(phaseOn('01:00:00').phase.kind).toBe('Specific');
  });
});

describe('[HAND-3] wiggle', () => {
  it('is not drawn in the Specific window or after the end', () => {
    expect(phaseOn('09:10:00', { timeWiggleMinutes: 7 }).wiggleSeconds).toBeNull();
    expect(phaseOn('17:05:00', { timeWiggleMinutes: 7 }).wiggleSeconds).toBeNull();
  });

  it('shifts uniformly within ±w minutes, redrawn each time', () => {
    const config = testConfig({ timeWiggleMinutes: 7 });
    const rng = seededRng(5);
    const wiggles = Array.from(
      { length: 5000 },
      () => determinePhase(12 * 3600, config, rng).wiggleSeconds ?? NaN,
    );
    expect(Math.min(...wiggles)).toBeGreaterThanOrEqual(-420);
    expect(Math.max(...wiggles)).toBeLessThanOrEqual(420);
    expect(Math.min(...wiggles)).toBeLessThan(-400);
    expect(Math.max(...wiggles)).toBeGreaterThan(400);
  });

  it('makes a nominal border a coin flip', () => {
    const config = testConfig({ timeWiggleMinutes: 7 });
    const perimeter = share(
      20000,
      (rng) => determinePhase(13.5 * 3600, config, rng).phase.kind === 'Perimeter',
    );
    expect(perimeter).toBeGreaterThan(0.48);
    expect(perimeter).toBeLessThan(0.52);
    // More than 7 minutes before the border no wiggle can reach the Perimeter phase.
    const early = share(
      20000,
      (rng) => determinePhase(13.5 * 3600 - 421, config, rng).phase.kind === 'Perimeter',
    );
    expect(early).toBe(0);
  });
});
