/**
 * The protocol's fixed name lists, without zod: the schemas (entities.ts, game.ts, catalogue.ts) are built
 * from them and re-export them, and the CLI reads them from here, so that registering its commands does
 * not build every schema of the protocol.
 */

/** Game modes of a session. */
export const MODES = ['Traditional', 'Gfrorefurz'] as const;

/** A team's role in a running game. */
export const TEAM_ROLES = ['Runner', 'Catcher'] as const;

/** Challenge kinds (CATALOGUE-2). */
export const CHALLENGE_KINDS = [
  'Kaff',
  'Ortsspezifisch',
  'Regionsspezifisch',
  'Unspezifisch',
  'Zoneable',
  'ZKaff',
] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/** Editorial statuses (CATALOGUE-2); which of them are dealt to teams is the engine's rule. */
export const CHALLENGE_STATUSES = [
  'Approved',
  'Edited',
  'Rejected',
  'Glorious',
  'ToSort',
  'Refactor',
] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

/** How the target zone of a random-place challenge is drawn at generation time (HAND-12). */
export const RANDOM_PLACES = ['Zone', 'SBahnZone'] as const;
export type RandomPlace = (typeof RANDOM_PLACES)[number];
