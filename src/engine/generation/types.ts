/**
 * Plain-data types of challenge generation (HAND, POINTS in docs/rules.md). Everything here is
 * JSON-serialisable so that offers can be stored and breakdowns shown by a game-master preview.
 */
import type { Catalogue, ChallengeAction, ChallengeKind } from '../catalogue/types.js';
import type { GameConfig } from '../config/game-config.js';
import type { Rng } from '../rng.js';

/** Generation phase of the day (HAND-3). `ratio` is the progress-derived value that drives the slots. */
export type Phase =
  | { readonly kind: 'Specific' }
  | { readonly kind: 'Normal' }
  | { readonly kind: 'Perimeter'; readonly ratio: number }
  | { readonly kind: 'ZKaff'; readonly ratio: number }
  | { readonly kind: 'EndGame' };

/** The phase and how it was reached. */
export interface PhaseResult {
  phase: Phase;
  /** Seconds since the configured start time of day (negative before the start). */
  secondsIntoGame: number;
  /** The random shift applied before the Normal/Perimeter/ZKaff/EndGame decision; null if none was drawn. */
  wiggleSeconds: number | null;
}

/** One condition a slot imposes on candidates (HAND-7). Minute ranges are half-open `[min, max)`. */
export type SlotFilter =
  | { readonly type: 'kinds'; readonly kinds: readonly ChallengeKind[] }
  /** Matrix minutes from the team's zone to the challenge's closest listed zone (0 if none). */
  | { readonly type: 'distance'; readonly min: number; readonly max: number }
  /** Some listed zone lies within the ring around the centre zone. */
  | { readonly type: 'ring'; readonly min: number; readonly max: number }
  | { readonly type: 'maxKaff'; readonly max: number }
  /** Some sector of the challenge is adjacent to the team. */
  | { readonly type: 'sector' };

export type SlotLabel =
  | 'specific'
  | 'near'
  | 'far'
  | 'regio'
  | 'unspecific'
  | 'perimeter-outer'
  | 'perimeter-inner'
  | 'zkaff-sector'
  | 'zkaff';

/** One position of the hand to fill. */
export interface Slot {
  label: SlotLabel;
  filters: readonly SlotFilter[];
  /** Whether a Zoneable dealt here gets a zone (and the zoneable bonus). */
  zoneZoneables: boolean;
  /** Whitelist of zone ids for random zone choices; null = every zone. */
  allowedZones: readonly number[] | null;
}

/** What a runner team holds (HAND-1). Texts are final (placeholders filled). */
export interface Offer {
  challengeId: number;
  title: string;
  description: string;
  /** Final points, a non-negative integer. */
  points: number;
  /** Zone the team moves to on completion, if any. */
  zoneId: number | null;
  /** The challenge's first sector: the team's sector after completion. */
  sectorId: number | null;
  /** The drawn repetition count (also the default minutes of an action). */
  repetitions: number;
  /** Stored only (CATALOGUE-7). */
  action: ChallengeAction | null;
}

/** Every term of the points formula (POINTS) for one offer. All terms are integers unless noted. */
export interface PointsBreakdown {
  challengeId: number;
  slot: SlotLabel;
  /** Fallback level the challenge was found at (0 = every filter held). */
  level: number;
  repetitions: number;
  base: {
    additionalPoints: number;
    kaffskala: number;
    grade: number;
    walking: number;
    stationary: number;
    repetitions: number;
    total: number;
  };
  /** Zone terms; null when the offer has no zone. */
  zone: {
    zoneId: number;
    zoneNumber: number;
    zonicKaffness: number;
    /** Matrix minutes from the team's zone; null when the matrix has no entry (counted as 0). */
    travelMinutes: number | null;
    travel: number;
    total: number;
  } | null;
  /** ZKaff terms; null for other kinds. */
  zkaff: {
    deadEnd: number;
    stationDistance: number;
    timeToHb: number;
    departures: number;
    total: number;
  } | null;
  zoneableBonus: number;
  /** Sum of all terms above: the points before weekend bias. */
  subtotal: number;
  /** Null for fixed challenges (POINTS-8: not applied). `factor` is 1 on weekdays. */
  bias: { day: 'Saturday' | 'Sunday' | null; factor: number; after: number } | null;
  /** Null for fixed challenges. `gap` null = no leader known (game start); `factor` 1 = no bonus. */
  underdog: { gap: number | null; factor: number; after: number } | null;
  /** Null for fixed challenges. `standardDeviation` is a float. */
  noise: { standardDeviation: number; value: number; after: number } | null;
  /** F = additionalPoints + repetitions × pointsPerRep for fixed challenges, else null. */
  fixedPoints: number | null;
  /** Result before clamping (may be negative). */
  unclamped: number;
  /** Final points: `max(0, unclamped)` (POINTS-9). */
  points: number;
}

/** The team as generation sees it. Ids are database ids. */
export interface TeamSnapshot {
  zoneId: number;
  sectorId?: number | null;
  /** Points after the current command's own changes (for the underdog gap). */
  points: number;
  completedChallengeIds: readonly number[];
  /** Challenges offered earlier this game (passed over at a completion, or in hand when caught). */
  seenChallengeIds: readonly number[];
}

export interface GenerationInput {
  catalogue: Catalogue;
  config: GameConfig;
  team: TeamSnapshot;
  /** Highest points of any team before the current command; absent = no underdog bonus (game start). */
  topScore?: number;
  /** Epoch milliseconds. */
  now: number;
  /** IANA time zone the config's times of day and the weekday are read in, e.g. 'Europe/Zurich'. */
  timeZone: string;
  rng: Rng;
}

export interface GenerationResult {
  /** The new hand, shuffled; may hold fewer than `numChallenges` offers (see `problems`). */
  offers: Offer[];
  /** `breakdowns[i]` explains `offers[i]`. */
  breakdowns: PointsBreakdown[];
  /** Null when generation stopped before reading the clock (invalid config or time zone). */
  phase: PhaseResult | null;
  /** Human-readable reasons for fallbacks, missing zones and empty slots; empty when all went to plan. */
  problems: string[];
}
