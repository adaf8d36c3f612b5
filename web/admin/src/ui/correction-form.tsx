import { useSignal, type Signal } from '@preact/signals';
import type { AnyCommandInput } from '../../../../src/protocol/commands/index.js';
import type { Team } from '../../../src/game/types.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

/** The corrections this form sends; each takes an optional reason. */
type Correction = Extract<AnyCommandInput, { type: `correction.${string}` }>;

/** A whole number typed into a field (an empty or partial field counts as 0). */
function NumberField({ label, value }: { label: string; value: Signal<number> }) {
  return (
    <label>
      {label}
      <input
        type="number"
        step="1"
        value={value.value}
        onInput={(e) => (value.value = Math.trunc(Number(e.currentTarget.value)) || 0)}
      />
    </label>
  );
}

/** A team's corrections (CORRECTION-3, CORRECTION-4): points and bounty with a reason, grace, hand, zone. */
export function CorrectionForm({ desk, team }: { desk: Desk; team: Team }) {
  const points = useSignal(0);
  const bounty = useSignal(0);
  const reason = useSignal('');
  const zone = useSignal<number | undefined>(undefined);
  const message = useSignal<string | undefined>(undefined);
  /** Sends one correction of this team with the reason given, and says what came of it. */
  const correct = async (command: Correction, done: string): Promise<void> => {
    const why = reason.value.trim();
    try {
      await desk.request({ ...command, ...(why === '' ? {} : { reason: why }) });
      message.value = done;
    } catch (e) {
      message.value = refusalText(e);
    }
  };
  /** One button that sends one correction (a call, not a component: it keeps its focus across renders). */
  const action = (label: string, command: Correction | undefined, done: string) => (
    <button
      type="button"
      class="secondary"
      disabled={command === undefined}
      onClick={() => command !== undefined && void correct(command, done)}
    >
      {label}
    </button>
  );
  const id = `correct-${team.id}`;
  const chosen = zone.value;
  return (
    <div class="correction" role="group" aria-label={`Corrections of ${team.name}`}>
      <div class="row wrap">
        <NumberField label="Points ±" value={points} />
        <NumberField label="Bounty ±" value={bounty} />
        <label for={`${id}-reason`}>Reason</label>
        <input
          id={`${id}-reason`}
          value={reason.value}
          onInput={(e) => (reason.value = e.currentTarget.value)}
        />
        {action(
          'Adjust',
          { type: 'correction.adjust', team: team.id, points: points.value, bounty: bounty.value },
          `Adjusted: points ${signed(points.value)}, bounty ${signed(bounty.value)}.`,
        )}
      </div>
      <div class="row wrap">
        {action('End grace', { type: 'correction.endGrace', team: team.id }, 'Grace ended.')}
        {action('Deal a new hand', { type: 'correction.newHand', team: team.id }, 'New hand dealt.')}
        <label class="row">
          Zone
          <select
            value={chosen ?? ''}
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
        {action(
          'Move to the zone',
          chosen === undefined ? undefined : { type: 'correction.move', team: team.id, zone: chosen },
          `Moved to zone ${desk.zones.value.find((z) => z.id === chosen)?.number ?? ''}.`,
        )}
      </div>
      {message.value !== undefined && <p role="status">{message.value}</p>}
    </div>
  );
}

const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);
