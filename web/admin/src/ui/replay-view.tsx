import { useSignal } from '@preact/signals';
import { useMemo } from 'preact/hooks';
import { standings } from '../../../src/game/selectors.js';
import type { Team } from '../../../src/game/types.js';
import { colourOf } from '../../../src/ui/common.js';
import { eventsUpTo, replayRange, teamsAt, type PastEvent, type PastGame } from '../replay.js';
import { ReplayMap } from './replay-map.js';

const SECOND = 1_000;

/** A moment of the game as the game master reads it: the time of day in the session's zone. */
export const clockText = (at: number, timeZone: string | undefined): string =>
  new Date(at).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(timeZone === undefined ? {} : { timeZone }),
  });

/**
 * One past game replayed: a time slider over the game, the map with each team where it was at the chosen
 * moment and its track until then, the events until then, and the final standings.
 */
export function ReplayView({ past, timeZone }: { past: PastGame; timeZone: string | undefined }) {
  const range = replayRange(past);
  // The slider moves in whole seconds since the start; its last one is the end (the moment is clamped).
  const at = useSignal(range.to);
  const moment = Math.min(Math.max(at.value, range.from), range.to);
  const teams = useMemo(() => teamsAt(past, moment), [past, moment]);
  const events = useMemo(() => {
    const nameOf = (id: number): string => past.teams.find((t) => t.id === id)?.name ?? `team ${id}`;
    return eventsUpTo(past.events, moment).map((event) => ({ event, text: eventText(event, nameOf) }));
  }, [past, moment]);
  return (
    <div class="live replay">
      <section class="map-pane" aria-label="Replay map">
        <div class="row map-tools">
          <label class="row grow">
            Moment
            <input
              type="range"
              class="grow"
              min={0}
              max={Math.ceil((range.to - range.from) / SECOND)}
              step={1}
              value={Math.ceil((moment - range.from) / SECOND)}
              aria-valuetext={clockText(moment, timeZone)}
              onInput={(e) => (at.value = range.from + Number(e.currentTarget.value) * SECOND)}
              data-replay-slider
            />
          </label>
          <output data-replay-at={moment}>{clockText(moment, timeZone)}</output>
        </div>
        <ReplayMap past={past} teams={teams} events={events} at={moment} />
      </section>
      <aside class="side">
        <FinalStandings teams={past.teams} />
        <section aria-labelledby="replay-events-title">
          <h2 id="replay-events-title">Events until {clockText(moment, timeZone)}</h2>
          {events.length === 0 && <p class="empty">Nothing happened yet.</p>}
          <ol class="events" reversed>
            {[...events].reverse().map(({ event: e, text }) => (
              <li key={`${e.type}-${e.at}-${e.team}`} class="event" data-kind={e.type} data-team={e.team}>
                <time>{clockText(e.at, timeZone)}</time> {text}
              </li>
            ))}
          </ol>
        </section>
      </aside>
    </div>
  );
}

function eventText(e: PastEvent, nameOf: (team: number) => string): string {
  if (e.type === 'completed') return `${nameOf(e.team)} completed “${e.title}” (+${e.points})`;
  return `${nameOf(e.catcher)} caught ${nameOf(e.team)} (bounty ${e.bounty})`;
}

/** The teams as the game ended: by points, then bounty. */
function FinalStandings({ teams }: { teams: readonly Team[] }) {
  return (
    <section aria-labelledby="final-standings-title">
      <h2 id="final-standings-title">Final standings</h2>
      <table class="scoreboard" data-final-standings>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Team</th>
            <th scope="col">Points</th>
            <th scope="col">Bounty</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {standings(teams).map((team, i) => (
            <tr key={team.id} data-team={team.id}>
              <td>{i + 1}</td>
              <th scope="row">
                <span class="swatch" style={{ background: colourOf(team) }} aria-hidden="true" />
                {team.name}
              </th>
              <td data-points={team.points}>{team.points}</td>
              <td data-bounty={team.bounty}>{team.bounty}</td>
              <td data-role={team.role}>{team.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
