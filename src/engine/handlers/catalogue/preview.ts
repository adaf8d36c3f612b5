import { resolveGameConfig, validateGameConfig } from '../../config/game-config.js';
import { generateHand } from '../../generation/generate.js';
import { notFound, ok, type Handler } from '../../handler.js';
import { seededRng } from '../../rng.js';
import { DEFAULT_TIME_ZONE } from '../sessions.js';
import { catalogueOf, invalid } from './shared.js';

/**
 * A game master's preview of generation: the hand a team in the given zone would be dealt at the given
 * time, with the full points breakdown. It uses its own seed (not the engine's), so the same request
 * always gives the same hand; with `relativeStandardDeviation: 0` the points are exact.
 */
export const challengePreview: Handler<'challenge.preview'> = (command, { tx }) => {
  if (tx.get('zone', command.zone) === undefined) return notFound('zone', command.zone);
  if (command.sector !== undefined && tx.get('sector', command.sector) === undefined) {
    return notFound('sector', command.sector);
  }
  const catalogue = catalogueOf(tx);
  const config = resolveGameConfig(command.config ?? {});
  // Zone references are not checked here: a missing centre zone shows up in the result's problems.
  const violations = validateGameConfig(config);
  if (violations.length > 0) return invalid(violations);
  const result = generateHand({
    catalogue,
    config,
    team: {
      zoneId: command.zone,
      sectorId: command.sector ?? null,
      points: command.points ?? 0,
      completedChallengeIds: command.completed ?? [],
      seenChallengeIds: command.seen ?? [],
    },
    ...(command.topScore === undefined ? {} : { topScore: command.topScore }),
    now: command.at,
    timeZone: command.timeZone ?? DEFAULT_TIME_ZONE,
    rng: seededRng(command.seed),
  });
  return ok(result);
};
