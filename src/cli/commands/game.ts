import { registerConfigCommands } from '../game/config.js';
import { registerCorrectionCommands } from '../game/corrections.js';
import { registerPastGameCommands } from '../game/past-games.js';
import { registerPlayCommands } from '../game/play.js';
import { registerTeamCommands } from '../game/teams.js';
import type { CliContext } from '../program.js';

/**
 * The game (issue 5): teams and membership, per-session config, start/stop/pause/resume, catches and
 * completions, locations and events, game-master corrections, past games. Session-scoped commands act
 * on the session the global --session names (by name or id); teams, players, zones and hand positions
 * are taken as people type them (src/cli/game/resolve.ts). Sessions and players: commands/people.ts.
 */
export function registerGameCommands(ctx: CliContext): void {
  registerTeamCommands(ctx);
  registerConfigCommands(ctx);
  registerPlayCommands(ctx);
  registerCorrectionCommands(ctx);
  registerPastGameCommands(ctx);
}
