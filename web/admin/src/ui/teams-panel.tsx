import { useSignal } from '@preact/signals';
import type { Player } from '../../../../src/protocol/entities.js';
import type { Team } from '../../../src/game/types.js';
import { colourOf } from '../../../src/ui/common.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';
import { AskedConfirmation, type Confirmation } from './confirm.js';
import { LeaveControls } from './leave-controls.js';

/** '#rrggbb' → the protocol's colour. */
function rgbOf(hex: string): { r: number; g: number; b: number } {
  const n = Number.parseInt(hex.slice(1), 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
}

/** The player id a drag carries (its own type, so that a drop of anything else is not taken for one). */
const PLAYER_DRAG = 'application/x-truinlag-player';

/**
 * Each team, and the players without one, as a drop target: a player's card is dragged onto a team (or
 * back to "no team"). The table below does the same with a pick per player, for the keyboard.
 */
function AssignmentBoard({
  teams,
  players,
  assign,
}: {
  teams: readonly Team[];
  players: readonly Player[];
  assign: (player: number, team: number | null) => void;
}) {
  const over = useSignal<number | null | undefined>(undefined);
  const target = (team: number | null) => ({
    class: `drop${over.value === team ? ' over' : ''}`,
    'data-drop': team ?? 'none',
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes(PLAYER_DRAG)) return;
      e.preventDefault();
      over.value = team;
    },
    onDragLeave: () => (over.value = undefined),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      over.value = undefined;
      const player = Number(e.dataTransfer?.getData(PLAYER_DRAG));
      if (Number.isInteger(player) && player > 0) assign(player, team);
    },
  });
  const cards = (team: number | null, label: string) => (
    <ul class="plain" aria-label={label}>
      {players
        .filter((p) => p.team === team)
        .map((p) => (
          <li
            key={p.id}
            class="player-card"
            draggable
            data-player={p.id}
            onDragStart={(e) => e.dataTransfer?.setData(PLAYER_DRAG, String(p.id))}
          >
            {p.name}
          </li>
        ))}
    </ul>
  );
  return (
    <ul class="board plain" aria-label="Teams">
      {teams.map((team) => (
        <li key={team.id} {...target(team.id)}>
          <span class="row">
            <span class="swatch" style={{ background: colourOf(team) }} aria-hidden="true" />
            {team.name} ({team.players.length})
          </span>
          {cards(team.id, `Players of ${team.name}`)}
        </li>
      ))}
      <li {...target(null)}>
        <span>No team</span>
        {cards(null, 'Players without a team')}
      </li>
    </ul>
  );
}

/**
 * Adds teams (name, colour) and puts the session's players into them (dragged, or picked per player); the
 * table also moves a player to another session or removes them.
 */
export function TeamsPanel({ desk, session }: { desk: Desk; session: number }) {
  const name = useSignal('');
  const colour = useSignal('#d62828');
  const error = useSignal<string | undefined>(undefined);
  const ask = useSignal<Confirmation | undefined>(undefined);
  const teams = desk.view.value?.state.teams ?? [];
  const players = desk.players.value.filter((p) => p.session === session && !p.removed);
  const attempt = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };
  const add = (event: Event): void => {
    event.preventDefault();
    void attempt(async () => {
      await desk.request({ type: 'team.add', name: name.value.trim(), colour: rgbOf(colour.value) });
      name.value = '';
    });
  };
  return (
    <section aria-labelledby="teams-title" class="panel">
      <h2 id="teams-title">Teams and assignment</h2>
      <form class="row wrap" onSubmit={add}>
        <label>
          Team name
          <input required value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} />
        </label>
        <label>
          Colour
          <input type="color" value={colour.value} onInput={(e) => (colour.value = e.currentTarget.value)} />
        </label>
        <button type="submit">Add team</button>
      </form>
      <AskedConfirmation ask={ask} error={error} />
      <p class="hint">Drag a player onto a team, or pick a team per player in the table below.</p>
      <AssignmentBoard
        teams={teams}
        players={players}
        assign={(player, team) => void attempt(() => desk.request({ type: 'team.assign', player, team }))}
      />
      <table class="assign">
        <caption>Assignment</caption>
        <thead>
          <tr>
            <th scope="col">Player</th>
            <th scope="col">Team</th>
            <th scope="col">Session</th>
            <th scope="col">Leave</th>
          </tr>
        </thead>
        <tbody>
          {players.map((player) => (
            <tr key={player.id}>
              <th scope="row">{player.name}</th>
              <td>
                <select
                  aria-label={`Team of ${player.name}`}
                  value={player.team ?? ''}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    const team = value === '' ? null : Number(value);
                    void attempt(() => desk.request({ type: 'team.assign', player: player.id, team }));
                  }}
                >
                  <option value="">no team</option>
                  {teams.map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                </select>
              </td>
              <LeaveControls desk={desk} player={player} ask={ask} />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
