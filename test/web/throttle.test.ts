import { describe, expect, it } from 'vitest';
import { LOW_POWER_SCALE, MAX_SILENCE_MS, MIN_GAP_MS, sendDelay } from '../../web/src/location/throttle.js';
import { east, HB } from '../game/support/world.js';

const T0 = 1_800_000_000_000;
const last = { fix: { ...HB, timestamp: T0 }, sentAt: T0 };
const at = (position: { lat: number; lon: number }, timestamp: number) => ({ ...position, timestamp });

describe('when a fix is sent', () => {
  it('sends the first fix at once', () => {
    expect(sendDelay(null, at(HB, T0), T0)).toBe(0);
  });

  it('sends a move of more than 10 m at once, but not within 3 s of the last send', () => {
    expect(sendDelay(last, at(east(HB, 11), T0 + 4_000), T0 + 4_000)).toBe(0);
    expect(sendDelay(last, at(east(HB, 50), T0 + 1_000), T0 + 1_000)).toBe(MIN_GAP_MS - 1_000);
  });

  it('sends a small move or none once 10 s passed', () => {
    expect(sendDelay(last, at(east(HB, 9), T0 + 4_000), T0 + 4_000)).toBe(MAX_SILENCE_MS - 4_000);
    expect(sendDelay(last, at(HB, T0 + 10_000), T0 + 10_000)).toBe(0);
    expect(sendDelay(last, at(east(HB, 5), T0 + 12_000), T0 + 12_000)).toBe(0);
  });

  it('never sends a fix that is not newer than the last one sent', () => {
    expect(sendDelay(last, at(east(HB, 500), T0), T0 + 60_000)).toBeNull();
    expect(sendDelay(last, at(east(HB, 500), T0 - 1), T0 + 60_000)).toBeNull();
  });

  it('stretches both intervals in low-power mode', () => {
    const moved = at(east(HB, 50), T0 + 4_000);
    expect(sendDelay(last, moved, T0 + 4_000, true)).toBe(MIN_GAP_MS * LOW_POWER_SCALE - 4_000);
    expect(sendDelay(last, at(HB, T0 + 10_000), T0 + 10_000, true)).toBe(
      MAX_SILENCE_MS * LOW_POWER_SCALE - 10_000,
    );
  });
});
