import { useSignal, useSignalEffect } from '@preact/signals';
import { refusalText, type Desk } from '../desk.js';
import type { PastGame, PastGameInfo } from '../replay.js';
import { ReplayView, clockText } from './replay-view.js';

const dateText = (at: number, timeZone: string | undefined): string =>
  new Date(at).toLocaleDateString('en-GB', timeZone === undefined ? {} : { timeZone });

const playedText = (g: PastGameInfo, timeZone: string | undefined): string =>
  `${clockText(g.startedAt, timeZone)}–${clockText(g.endedAt, timeZone)}`;

/**
 * The past games, newest first; one of them replayed. The list is fetched again whenever a game ends
 * (its broadcast), not polled.
 */
export function PastGamesTab({ desk }: { desk: Desk }) {
  const games = useSignal<readonly PastGameInfo[] | undefined>(undefined);
  const chosen = useSignal<PastGame | undefined>(undefined);
  const error = useSignal<string | undefined>(undefined);
  const timeZoneOf = (session: number): string | undefined =>
    desk.sessions.value.find((s) => s.id === session)?.timeZone;

  useSignalEffect(() => {
    void desk.gamesEnded.value;
    desk.request({ type: 'pastGame.list' }).then(
      (list) => (games.value = [...list].sort((a, b) => b.endedAt - a.endedAt)),
      (e: unknown) => (error.value = refusalText(e)),
    );
  });
  const open = async (id: number): Promise<void> => {
    try {
      chosen.value = await desk.request({ type: 'pastGame.get', id });
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };

  const past = chosen.value;
  if (past !== undefined)
    return (
      <section aria-labelledby="replay-title" class="past-games replaying">
        <div class="row wrap replay-head">
          <button type="button" class="secondary" onClick={() => (chosen.value = undefined)}>
            All past games
          </button>
          <h2 id="replay-title">
            Replay of {past.name} ({playedText(past, timeZoneOf(past.session))})
          </h2>
          {past.expiredAt !== null && (
            <p class="note">Its tracks were deleted by retention on {dateText(past.expiredAt, undefined)}.</p>
          )}
        </div>
        <ReplayView past={past} timeZone={timeZoneOf(past.session)} />
      </section>
    );
  return (
    <section aria-labelledby="past-games-title" class="past-games">
      <h2 id="past-games-title">Past games</h2>
      {error.value !== undefined && <p role="alert">{error.value}</p>}
      {games.value?.length === 0 && <p class="empty">No game has ended yet.</p>}
      {games.value !== undefined && games.value.length > 0 && (
        <PastGameList games={games.value} timeZoneOf={timeZoneOf} onOpen={(id) => void open(id)} />
      )}
    </section>
  );
}

function PastGameList({
  games,
  timeZoneOf,
  onOpen,
}: {
  games: readonly PastGameInfo[];
  timeZoneOf: (session: number) => string | undefined;
  onOpen: (id: number) => void;
}) {
  return (
    <table class="scoreboard" data-past-games>
      <thead>
        <tr>
          <th scope="col">Game</th>
          <th scope="col">Day</th>
          <th scope="col">Played</th>
          <th scope="col">
            <span class="visually-hidden">Replay</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {games.map((g) => {
          const zone = timeZoneOf(g.session);
          return (
            <tr key={g.id} data-past-game={g.id}>
              <th scope="row">{g.name}</th>
              <td>{dateText(g.startedAt, zone)}</td>
              <td>{playedText(g, zone)}</td>
              <td>
                <button type="button" onClick={() => onOpen(g.id)} aria-label={`Replay ${g.name}`}>
                  Replay
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
