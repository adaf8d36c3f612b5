import { useSignal } from '@preact/signals';
import type { Team } from '../../../src/game/types.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

/** A team's corrections (CORRECTION-3, CORRECTION-4): points and bounty with a reason, grace, hand, zone. */
export function CorrectionForm({ desk, team }: { desk: Desk; team: Team }) {
  const points = useSignal(0);
  const bounty = useSignal(0);
  const reason = useSignal('');
  const zone = useSignal<number | undefined>(undefined);
  const message = useSignal<string | undefined>(undefined);
  const run = async (work: () => Promise<unknown>, done: string): Promise<void> => {
    try {
      await work();
      message.value = done;
    } catch (e) {
      message.value = refusalText(e);
    }
  };
  const why = (): { reason?: string } => (reason.value.trim() === '' ? {} : { reason: reason.value.trim() });
  const id = `correct-${team.id}`;
  return (
    <div class="correction">
      <div class="row wrap">
        <label>
          Points ±
          <input
            type="number"
            step="1"
            value={points.value}
            onInput={(e) => (points.value = Number(e.currentTarget.value))}
          />
        </label>
        <label>
          Bounty ±
          <input
            type="number"
            step="1"
            value={bounty.value}
            onInput={(e) => (bounty.value = Number(e.currentTarget.value))}
          />
        </label>
        <label for={`${id}-reason`}>Reason</label>
        <input
          id={`${id}-reason`}
          value={reason.value}
          onInput={(e) => (reason.value = e.currentTarget.value)}
        />
        <button
          type="button"
          onClick={() =>
            void run(
              () =>
                desk.request({
                  type: 'correction.adjust',
                  team: team.id,
                  points: points.value,
                  bounty: bounty.value,
                  ...why(),
                }),
              'Adjusted.',
            )
          }
        >
          Adjust
        </button>
      </div>
      <div class="row wrap">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void run(
              () => desk.request({ type: 'correction.endGrace', team: team.id, ...why() }),
              'Grace ended.',
            )
          }
        >
          End grace
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void run(
              () => desk.request({ type: 'correction.newHand', team: team.id, ...why() }),
              'New hand dealt.',
            )
          }
        >
          Deal a new hand
        </button>
        <label class="row">
          Zone
          <select
            value={zone.value ?? ''}
            onChange={(e) =>
              (zone.value = e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))
            }
          >
            <option value="">—</option>
            {desk.zones.value.map((z) => (
              <option key={z.id} value={z.id}>
                {z.number}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="secondary"
          disabled={zone.value === undefined}
          onClick={() =>
            zone.value !== undefined &&
            void run(
              () =>
                desk.request({
                  type: 'correction.move',
                  team: team.id,
                  zone: zone.value as number,
                  ...why(),
                }),
              'Moved.',
            )
          }
        >
          Move to the zone
        </button>
      </div>
      {message.value !== undefined && <p role="status">{message.value}</p>}
    </div>
  );
}
