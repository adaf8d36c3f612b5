import { useSignal } from '@preact/signals';
import type { CatchRefusal } from '../../../../src/protocol/catch-refusals.js';
import type { Team } from '../../../src/game/types.js';
import { TeamName } from '../../../src/ui/common.js';
import type { Desk } from '../desk.js';
import { AskedConfirmation, type Confirmation } from './confirm.js';
import { clockTime } from './times.js';

const minutes = (ms: number | undefined): number => Math.ceil((ms ?? 0) / 60_000);

/** Why the evidence check refused the catch, in the game master's words (CATCH-6). */
function reasonText(r: CatchRefusal, catcher: string, caught: string): string {
  const limit = `at most ${r.maxAgeMinutes} min`;
  switch (r.reason.code) {
    case 'CATCHER_LOCATION_MISSING':
      return `${catcher} sent no position with the catch`;
    case 'CATCHER_LOCATION_STALE':
      return `${catcher}’s position was ${minutes(r.reason.ageMs)} min old (${limit})`;
    case 'TARGET_LOCATION_MISSING':
      return `${caught} has sent no location`;
    case 'TARGET_LOCATION_STALE':
      return `${caught}’s location was ${minutes(r.reason.ageMs)} min old (${limit})`;
    case 'TEAMS_TOO_FAR':
      return `the teams were ${Math.ceil(r.reason.metres ?? 0)} m apart (at most 300 m)`;
  }
}

/**
 * The catches the evidence check refused (CATCH-7), at the top of the feed, each with the game master's
 * override catch one click (and a confirmation) away.
 */
export function RefusedCatches({ desk }: { desk: Desk }) {
  const ask = useSignal<Confirmation | undefined>(undefined);
  const error = useSignal<string | undefined>(undefined);
  const teams = desk.view.value?.state.teams ?? [];
  const refusals = desk.refusals.value;
  if (refusals.length === 0) return null;
  const teamOf = (id: number): Team | undefined => teams.find((t) => t.id === id);
  return (
    <section aria-labelledby="refused-title" class="refused">
      <h3 id="refused-title">Refused catches</h3>
      <ol class="events">
        {[...refusals].reverse().map((r) => {
          const catcher = teamOf(r.catcher);
          const caught = teamOf(r.caught);
          if (catcher === undefined || caught === undefined) return null;
          const override: Confirmation = {
            title: `Override: ${catcher.name} catches ${caught.name}`,
            text:
              `${catcher.name} catches ${caught.name} now, without the position check: ${caught.name} ` +
              `becomes a catcher and its bounty (${caught.bounty}) goes to ${catcher.name}, which becomes a ` +
              'runner with a new hand and a grace period. The override is recorded with your name.',
            action: 'Catch',
            run: () =>
              desk.request({
                type: 'catch',
                catcher: catcher.id,
                caught: caught.id,
                periodId: catcher.periodId,
                override: true,
              }),
          };
          return (
            <li key={r.id} class="event" data-kind="refused" data-catcher={r.catcher} data-caught={r.caught}>
              <div class="row wrap">
                <time>{clockTime(r.at)}</time>
                <TeamName team={catcher} />
                <span>
                  could not catch {caught.name}: {reasonText(r, catcher.name, caught.name)}.
                </span>
                <button type="button" class="small" onClick={() => (ask.value = override)}>
                  Override: catch {caught.name}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <AskedConfirmation ask={ask} error={error} />
    </section>
  );
}
