import { describe, expect, it } from 'vitest';
import { decodeClientMessage } from '../../src/protocol/codec.js';
import type { Command } from '../../src/protocol/commands/index.js';

/** The command of a request frame as the server decodes (validates) it. */
function decoded(command: unknown): Command {
  const result = decodeClientMessage(JSON.stringify({ type: 'request', id: 'r-1', session: 1, command }));
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  if (result.message.kind !== 'request') throw new Error('not a request');
  return result.message.command;
}

/** A position as a phone's GPS API gives it: every digit a double holds. */
const phoneFix = {
  lat: 47.37456899839516,
  lon: 8.569744485223609,
  accuracy: 12.345678,
  heading: -123.456789,
  speed: 1.2345678,
  timestamp: 1781591982000,
};
const rounded = {
  lat: 47.374569,
  lon: 8.5697445,
  accuracy: 12.3,
  heading: -123.5,
  speed: 1.2,
  timestamp: 1781591982000,
};

describe('[LOCATION-7] reported positions are rounded where they are validated', () => {
  it('location.send: coordinates to 7 decimals, accuracy, heading and speed to 1', () => {
    expect(decoded({ type: 'location.send', location: phoneFix })).toEqual({
      type: 'location.send',
      location: rounded,
    });
    // The short form is what every copy carries: its JSON is shorter by the digits no phone measures.
    const sent = JSON.stringify(decoded({ type: 'location.send', location: phoneFix }));
    expect(sent.length).toBeLessThan(
      JSON.stringify({ type: 'location.send', location: phoneFix }).length - 20,
    );
  });

  it('a catch’s position, and a fix without heading or speed, the same way', () => {
    const fix = { ...phoneFix, heading: null, speed: null };
    expect(decoded({ type: 'catch', catcher: 1, caught: 2, periodId: 0, position: fix })).toMatchObject({
      position: { ...rounded, heading: null, speed: null },
    });
  });

  it('rounding keeps the bounds: a value that rounds onto the edge is still valid', () => {
    const edge = { ...phoneFix, lat: 89.99999999, lon: -179.99999999 };
    expect(decoded({ type: 'location.send', location: edge })).toMatchObject({
      location: { lat: 90, lon: -180 },
    });
  });
});
