import { useSignal } from '@preact/signals';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';
import { ConfigPanel } from './config-panel.js';
import { AskedConfirmation, type Confirmation } from './confirm.js';
import { PlayersPanel } from './players-panel.js';
import { TeamsPanel } from './teams-panel.js';

/** Set-up from empty: a session, its players, teams, assignment and config, and the game's controls. */
export function SetupTab({ desk }: { desk: Desk }) {
  const session = desk.sessionId.value;
  return (
    <div class="setup">
      <NewSession desk={desk} />
      {session !== undefined && desk.view.value !== undefined && (
        <>
          <GameControls desk={desk} />
          <PlayersPanel desk={desk} session={session} />
          <TeamsPanel desk={desk} session={session} />
          <ConfigPanel desk={desk} />
        </>
      )}
    </div>
  );
}

function NewSession({ desk }: { desk: Desk }) {
  const name = useSignal('');
  const error = useSignal<string | undefined>(undefined);
  const create = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      await desk.addSession(name.value.trim());
      name.value = '';
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };
  return (
    <section aria-labelledby="session-title" class="panel">
      <h2 id="session-title">New session</h2>
      <form class="row wrap" onSubmit={(e) => void create(e)}>
        <label>
          Session name
          <input required value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} />
        </label>
        <button type="submit">Create session</button>
      </form>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </section>
  );
}

/** Start, stop, pause and resume, each confirmed with what it will do. */
function GameControls({ desk }: { desk: Desk }) {
  const ask = useSignal<Confirmation | undefined>(undefined);
  const error = useSignal<string | undefined>(undefined);
  const state = desk.view.value?.state;
  const config = desk.config.value?.effective;
  if (state === undefined) return null;
  const running = state.game !== null;
  const teams = state.teams.length;
  const actions: Confirmation[] = running
    ? [
        state.session.paused
          ? {
              title: 'Resume the game',
              text: 'The game clock runs again: every grace period and timer counts down from where it stopped.',
              action: 'Resume',
              run: () => desk.request({ type: 'clock.resume' }),
            }
          : {
              title: 'Pause the game',
              text: 'The game clock stops: grace periods, announcements and the end wait until you resume.',
              action: 'Pause',
              run: () => desk.request({ type: 'clock.pause' }),
            },
        {
          title: 'Stop the game',
          text: 'The game ends now for every team and is archived as a past game. This cannot be undone.',
          action: 'Stop',
          run: () => desk.request({ type: 'game.stop' }),
        },
      ]
    : [
        {
          title: 'Start the game',
          text:
            `The game starts now with ${teams} teams: ${config?.numCatchers ?? '?'} catcher team(s) are drawn, ` +
            `the runners are dealt their hands, and the game ends at ${config?.endTime ?? '?'} ` +
            `(${state.session.timeZone}).`,
          action: 'Start',
          run: () => desk.request({ type: 'game.start' }),
        },
      ];
  return (
    <section aria-labelledby="game-title" class="panel">
      <h2 id="game-title">Game</h2>
      <div class="row">
        {actions.map((a) => (
          <button key={a.action} type="button" onClick={() => (ask.value = a)}>
            {a.action} the game
          </button>
        ))}
      </div>
      <AskedConfirmation ask={ask} error={error} />
    </section>
  );
}
