import { countdownText } from '../../../src/i18n/i18n.js';
import { phaseOfDay } from '../../../src/game/phase.js';
import { now } from '../../../src/ui/clock.js';
import type { Desk } from '../desk.js';

/** The game clock: the phase of the day, the time to the end, paused or not. */
export function GameClock({ desk }: { desk: Desk }) {
  const state = desk.view.value?.state;
  const config = desk.config.value?.effective;
  if (state === undefined) return null;
  const game = state.game;
  const at = now.value;
  const phase = config === undefined ? '—' : phaseOfDay(at, state.session.timeZone, config);
  const left = game === null ? null : Math.max(0, game.endsAt - (game.pausedAt ?? at));
  return (
    <section class="clock" aria-label="Game clock">
      <h2>Game clock</h2>
      <dl>
        <dt>Game</dt>
        <dd data-game-state>{game === null ? 'not running' : state.session.paused ? 'paused' : 'running'}</dd>
        <dt>Phase</dt>
        <dd data-phase>{phase}</dd>
        <dt>Time to the end</dt>
        <dd data-time-left>{left === null ? '—' : countdownText(left)}</dd>
      </dl>
    </section>
  );
}
