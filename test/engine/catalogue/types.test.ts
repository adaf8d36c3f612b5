import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_KINDS,
  CHALLENGE_STATUSES,
  isPlayableStatus,
  parseChallengeKind,
  parseChallengeStatus,
} from '../../../src/engine/catalogue/types.js';

describe('kind and status names', () => {
  it('[CATALOGUE-2] parse case-insensitively, ignoring underscores', () => {
    expect(parseChallengeKind('z_kaff')).toBe('ZKaff');
    expect(parseChallengeKind(' ORTSSPEZIFISCH ')).toBe('Ortsspezifisch');
    expect(parseChallengeKind('kaffe')).toBeUndefined();
    expect(parseChallengeStatus('to_sort')).toBe('ToSort');
    expect(parseChallengeStatus('approved')).toBe('Approved');
    expect(parseChallengeStatus('')).toBeUndefined();
    for (const k of CHALLENGE_KINDS) expect(parseChallengeKind(k)).toBe(k);
  });

  it('[CATALOGUE-2] only Approved and Refactor are playable', () => {
    expect(CHALLENGE_STATUSES.filter(isPlayableStatus)).toEqual(['Approved', 'Refactor']);
  });
});
