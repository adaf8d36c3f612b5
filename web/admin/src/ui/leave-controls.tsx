import type { Signal } from '@preact/signals';
import type { Player } from '../../../../src/protocol/entities.js';
import type { Desk } from '../desk.js';
import { leaveSession } from '../leave-session.js';
import type { Confirmation } from './confirm.js';

/**
 * A player's cells of the assignment table that take them out of the session: a move to another session
 * (or none) and a removal, each confirmed with what it will do (both in one click: `leaveSession`).
 */
export function LeaveControls({
  desk,
  player,
  ask,
}: {
  desk: Desk;
  player: Player;
  ask: Signal<Confirmation | undefined>;
}) {
  const others = desk.sessions.value.filter((s) => s.id !== player.session);
  const team = desk.view.value?.state.teams.find((t) => t.id === player.team);
  const offTeam = team === undefined ? '' : `is taken off ${team.name} and `;
  const move = (value: string): void => {
    const session = value === 'none' ? null : Number(value);
    const where = session === null ? 'no session' : (others.find((s) => s.id === session)?.name ?? '');
    ask.value = {
      title: `Move ${player.name}`,
      text: `${player.name} ${offTeam}moves to ${where}.`,
      action: 'Move',
      run: () => leaveSession(desk, player, { kind: 'move', session }),
    };
  };
  const remove = (): void => {
    ask.value = {
      title: `Remove ${player.name}`,
      text: `${player.name} ${offTeam}leaves the session for good: no more logins. Past games keep them.`,
      action: 'Remove',
      run: () => leaveSession(desk, player, { kind: 'remove' }),
    };
  };
  return (
    <>
      <td>
        <select
          aria-label={`Move ${player.name} to`}
          value=""
          onChange={(e) => {
            const value = e.currentTarget.value;
            e.currentTarget.value = '';
            if (value !== '') move(value);
          }}
        >
          <option value="">this session</option>
          {others.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
          <option value="none">no session</option>
        </select>
      </td>
      <td>
        <button type="button" class="secondary" onClick={remove} aria-label={`Remove ${player.name}`}>
          Remove
        </button>
      </td>
    </>
  );
}
