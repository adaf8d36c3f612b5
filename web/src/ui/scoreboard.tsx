import type { Team } from '../game/types.js';
import { t } from '../i18n/i18n.js';
import { roleText, TeamName } from './common.js';

/** Teams in rank order with points, bounty and role. */
export function Scoreboard({ teams, own }: { teams: readonly Team[]; own: number | undefined }) {
  return (
    <ol class="board" aria-label={t.value.scoreboard}>
      {teams.map((team, i) => (
        <li key={team.id} data-team={team.id}>
          <span class="muted" aria-hidden="true">
            {i + 1}.
          </span>
          <span class="grow">
            <TeamName team={team} own={team.id === own} />
            <small class="muted">
              {roleText(team)} · {t.value.bounty(team.bounty)}
            </small>
          </span>
          <span class="points" data-points={team.points}>
            {t.value.points(team.points)}
          </span>
        </li>
      ))}
    </ol>
  );
}
