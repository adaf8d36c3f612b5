import type { Author, CorrectionRecord } from '../../protocol/authors.js';
import type { RgbColour, PartialGameConfig } from '../config/game-config.js';
import type { Offer } from '../generation/types.js';

/** Game records as the engine stores them (TEAM, PERIOD, GRACE, CORRECTION). Times are epoch ms (TIME-1). */
export type TeamRole = 'Runner' | 'Catcher';

export interface LocationFix {
  readonly lat: number;
  readonly lon: number;
  readonly accuracy: number;
  readonly heading: number | null;
  readonly speed: number | null;
  /** The phone's own timestamp (epoch ms). */
  readonly timestamp: number;
  /** When the server accepted it (epoch ms, server clock). */
  readonly receivedAt: number;
}

export interface TrackPoint {
  readonly lat: number;
  readonly lon: number;
  readonly timestamp: number;
}

/** One point of a team's trail; a table of its own so that a location update writes a small record. */
export interface TrackPointRecord extends TrackPoint {
  readonly id: number;
  readonly team: number;
  /** Reported in grace: the teams that were catchers then, from which it stays hidden (VISIBILITY-4). */
  readonly hiddenFrom?: readonly number[];
}

export type PeriodContext =
  | {
      readonly type: 'completed';
      readonly challengeId: number;
      readonly title: string;
      readonly description: string;
      readonly zoneId: number | null;
      readonly points: number;
      readonly notCompleted: readonly Offer[];
    }
  | {
      readonly type: 'caught';
      readonly catcherTeam: number;
      readonly bounty: number;
      readonly notCompleted: readonly Offer[];
      readonly catcherPeriod: number;
    }
  | {
      readonly type: 'catcher';
      readonly caughtTeam: number;
      readonly bounty: number;
      readonly caughtPeriod: number;
    };

/** The parts of a team an event changes besides its periods: what an undo puts back (CORRECTION-2). */
export interface TeamStanding {
  readonly role: TeamRole;
  readonly points: number;
  readonly bounty: number;
  readonly zoneId: number | null;
  readonly sectorId: number | null;
  readonly offers: readonly Offer[];
  readonly grace: Grace | null;
}

export interface PeriodRecord {
  readonly index: number;
  readonly context: PeriodContext;
  readonly endedAt: number;
  readonly location: TrackPoint | null;
  readonly pictures: readonly number[];
  /** How the team stood before this period's event, so a game master can undo it exactly. */
  readonly before: TeamStanding;
}

export interface Grace {
  readonly until: number;
  /** The durable timer that ends it; deleting the timer cancels the end. */
  readonly timer: number;
}

export interface TeamRecord extends TeamStanding {
  readonly id: number;
  readonly session: number;
  readonly name: string;
  readonly colour: RgbColour;
  readonly players: readonly number[];
  readonly location: LocationFix | null;
  /** Reported in grace: the teams that were catchers then, from which `location` is hidden (VISIBILITY-4). */
  readonly locationHiddenFrom?: readonly number[];
  /** The newest point of the team's trail (the trail itself is the `trackPoint` table). */
  readonly lastTrackPoint: TrackPoint | null;
  readonly periods: readonly PeriodRecord[];
  readonly picture: number | null;
  readonly createdAt: number;
}

export interface GameRecord {
  /** Counts games per session, from 1. */
  readonly id: number;
  readonly name: string;
  readonly startedAt: number;
  readonly endsAt: number;
  /** The durable timer of the automatic stop. */
  readonly endTimer: number;
  /** Who started it (AUTH-7); absent in games started before authors were recorded (the owner's). */
  readonly startedBy?: Author;
  /** Every correction so far, oldest first, with its author (AUTH-7). */
  readonly corrections?: readonly CorrectionRecord[];
}

export interface SessionGameFields {
  /** Per-session config overrides (CONFIG-2); the effective config is defaults + these. */
  readonly config: PartialGameConfig;
  readonly game: GameRecord | null;
  readonly gamesPlayed: number;
}

export interface PastGameRecord {
  readonly id: number;
  readonly session: number;
  readonly name: string;
  readonly mode: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly teams: readonly (TeamRecord & { readonly track: readonly TrackPoint[] })[];
  /** The session's game number (GameRecord.id); absent in games archived before it was kept. */
  readonly game?: number;
  /** Who started and who ended it, and its corrections (AUTH-7); absent in older archives. */
  readonly startedBy?: Author;
  readonly endedBy?: Author;
  readonly corrections?: readonly CorrectionRecord[];
  /** When its tracks and pictures were deleted after the retention period (PRIVACY-1). */
  readonly expiredAt?: number;
}

/** A player's login token (AUTH-5): resumable, one per login, kept only as its hash (AUTH-8). */
export interface TokenRecord {
  readonly id: number;
  readonly player: number;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly createdAt: number;
}
