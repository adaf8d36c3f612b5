import { standings } from '../game/selectors.js';
import { t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { Scoreboard } from './scoreboard.js';

/** Between games: the last game's standings, until the game master starts the next one. */
export function WaitingScreen({ phone }: { phone: Phone }) {
  const teams = phone.view.value?.state.teams ?? [];
  const played = teams.some((team) => team.points !== 0 || team.periods.length > 0);
  return (
    <>
      <h1>{t.value.waitingTitle}</h1>
      <p class="muted">{t.value.waitingText}</p>
      {phone.team.value === undefined && <p>{t.value.noTeam}</p>}
      {played && (
        <>
          <h2>{t.value.lastStandings}</h2>
          <Scoreboard teams={standings(teams)} own={phone.team.value?.id} />
        </>
      )}
    </>
  );
}
