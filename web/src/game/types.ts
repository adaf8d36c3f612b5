import type { Author } from '../../../src/protocol/authors.js';
import type { ResultOf } from '../../../src/protocol/commands/index.js';

/** The session's state as `session.state` returns it. */
export type SessionState = ResultOf<'session.state'>;
export type Team = SessionState['teams'][number];
export type Offer = Team['offers'][number];
export type TeamLocation = NonNullable<Team['location']>;

/** Things the feed shows that are not periods of a team: the game's course. */
export interface Note {
  readonly at: number;
  readonly kind: 'started' | 'ended' | 'paused' | 'resumed' | 'graceEnded' | 'announcement' | 'correction';
  readonly team?: number;
  readonly text?: string;
  /** Who started or stopped the game or made the correction (AUTH-7): the dashboard names them. */
  readonly by?: Author;
}

/**
 * What the phone knows of its game: the last snapshot, with every broadcast since applied to it. `state.seq`
 * always says which broadcasts it reflects, so it is also where a reconnect resumes from (D3).
 */
export interface GameView {
  readonly state: SessionState;
  readonly notes: readonly Note[];
}
