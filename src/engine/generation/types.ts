/**
 * Plain-data types of challenge generation (the HAND and POINTS rules). What generation
 * returns (offers, breakdowns, the phase) is typed by the wire protocol (src/protocol/generation.ts), so
 * that offers can be stored and breakdowns shown by a game-master preview exactly as computed; the
 * types here are generation's own inputs.
 */
import type { SlotLabel } from '../../protocol/generation.js';
import type { Catalogue, ChallengeKind } from '../catalogue/types.js';
import type { GameConfig } from '../config/game-config.js';
import type { Rng } from '../rng.js';

export type {
  GenerationResult,
  Offer,
  Phase,
  PhaseResult,
  PointsBreakdown,
  SlotLabel,
} from '../../protocol/generation.js';

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

/** One position of the hand to fill. */
export interface Slot {
  label: SlotLabel;
  filters: readonly SlotFilter[];
  /** Whether a Zoneable dealt here gets a zone (and the zoneable bonus). */
  zoneZoneables: boolean;
  /** Whitelist of zone ids for random zone choices; null = every zone. */
  allowedZones: readonly number[] | null;
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
