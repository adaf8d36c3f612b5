import type { Tx } from '../tx.js';

/**
 * Forgets a player's last recorded report (TEAM-6, PLAYER-3, PLAYER-4, PRIVACY-2): their next report is
 * then taken whatever it repeats. Writes only when there is one, so a step that had none writes nothing.
 */
export function forgetPosition(tx: Tx, player: number): void {
  if (tx.get('position', player) !== undefined) tx.delete('position', player);
}
