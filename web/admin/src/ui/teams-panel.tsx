import { useSignal } from '@preact/signals';
import { colourOf } from '../../../src/ui/common.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

/** '#rrggbb' → the protocol's colour. */
function rgbOf(hex: string): { r: number; g: number; b: number } {
  const n = Number.parseInt(hex.slice(1), 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
}

/** Adds teams (name, colour) and puts the session's players into them. */
export function TeamsPanel({ desk, session }: { desk: Desk; session: number }) {
  const name = useSignal('');
  const colour = useSignal('#d62828');
  const error = useSignal<string | undefined>(undefined);
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
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      <ul class="row wrap plain" aria-label="Teams">
        {teams.map((team) => (
          <li key={team.id} class="row">
            <span class="swatch" style={{ background: colourOf(team) }} aria-hidden="true" />
            {team.name} ({team.players.length})
          </li>
        ))}
      </ul>
      <table class="assign">
        <caption>Assignment</caption>
        <thead>
          <tr>
            <th scope="col">Player</th>
            <th scope="col">Team</th>
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
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
