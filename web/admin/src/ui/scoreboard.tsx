import { standings } from '../../../src/game/selectors.js';
import type { Team } from '../../../src/game/types.js';
import { agoText, countdownText } from '../../../src/i18n/i18n.js';
import { freshnessOf } from '../../../src/map/freshness.js';
import { now } from '../../../src/ui/clock.js';
import { colourOf } from '../../../src/ui/common.js';
import type { Desk, Zone } from '../desk.js';

/** The scoreboard: every team by points, with its bounty, role, grace, hand, zone and position age. */
export function Scoreboard({ desk, onFollow }: { desk: Desk; onFollow: (team: number) => void }) {
  const teams = standings(desk.view.value?.state.teams ?? []);
  const zones = desk.zones.value;
  return (
    <section aria-label="Scoreboard">
      <h2>Scoreboard</h2>
      <table class="scoreboard">
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Points</th>
            <th scope="col">Bounty</th>
            <th scope="col">Role</th>
            <th scope="col">Zone</th>
            <th scope="col">Position</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((team) => (
            <TeamRow key={team.id} team={team} zones={zones} onFollow={onFollow} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TeamRow({
  team,
  zones,
  onFollow,
}: {
  team: Team;
  zones: readonly Zone[];
  onFollow: (t: number) => void;
}) {
  const at = now.value;
  const grace = team.graceUntil !== null && team.graceUntil > at ? team.graceUntil - at : null;
  const location = team.location;
  const zone = zones.find((z) => z.id === team.zoneId);
  return (
    <>
      <tr data-team={team.id}>
        <th scope="row">
          <button
            type="button"
            class="link-button"
            onClick={() => onFollow(team.id)}
            title="Follow on the map"
          >
            <span class="swatch" style={{ background: colourOf(team) }} aria-hidden="true" />
            {team.name}
          </button>
        </th>
        <td data-points={team.points}>{team.points}</td>
        <td data-bounty={team.bounty}>{team.bounty}</td>
        <td data-role={team.role}>
          {team.role}
          {grace !== null && <span class="grace"> grace {countdownText(grace)}</span>}
        </td>
        <td data-zone={zone?.number}>{zone === undefined ? '—' : zone.number}</td>
        <td data-freshness={location === null ? 'never' : freshnessOf(location.timestamp, at)}>
          {location === null ? 'never seen' : agoText(Math.max(0, at - location.timestamp))}
        </td>
      </tr>
      {team.offers.length > 0 && (
        <tr class="hand">
          <td colSpan={6}>
            <ul aria-label={`Hand of ${team.name}`}>
              {team.offers.map((offer) => (
                <li key={offer.challengeId}>
                  {offer.title} <strong>{offer.points}</strong>
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}
