import { useSignal } from '@preact/signals';
import type { Desk } from '../desk.js';
import { AdminMap } from './admin-map.js';
import { GameClock } from './game-clock.js';
import { Scoreboard } from './scoreboard.js';

/** How many minutes of tracks the map can show. */
const TRACK_MINUTES = [15, 30, 60, 120] as const;

/** The live view: the map of every team, the game clock, the scoreboard. */
export function LiveTab({ desk }: { desk: Desk }) {
  const showTracks = useSignal(true);
  const trackMinutes = useSignal<number>(30);
  const follow = useSignal<number | undefined>(undefined);
  return (
    <div class="live">
      <section class="map-pane" aria-label="Map">
        <div class="row map-tools">
          <label class="row">
            <input
              type="checkbox"
              checked={showTracks.value}
              onChange={(e) => (showTracks.value = e.currentTarget.checked)}
            />
            Tracks of the last
          </label>
          <select
            aria-label="Track length"
            value={trackMinutes.value}
            onChange={(e) => (trackMinutes.value = Number(e.currentTarget.value))}
          >
            {TRACK_MINUTES.map((m) => (
              <option key={m} value={m}>
                {m} min
              </option>
            ))}
          </select>
          <label class="row">
            Follow
            <select
              value={follow.value ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                follow.value = value === '' ? undefined : Number(value);
              }}
            >
              <option value="">nobody</option>
              {desk.view.value?.state.teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <AdminMap
          desk={desk}
          trackMs={showTracks.value ? trackMinutes.value * 60_000 : 0}
          follow={follow.value}
        />
      </section>
      <aside class="side">
        <GameClock desk={desk} />
        <Scoreboard desk={desk} onFollow={(team) => (follow.value = team)} />
      </aside>
    </div>
  );
}
