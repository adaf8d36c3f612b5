import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { feedOf, type FeedItem } from '../../../src/game/selectors.js';
import { TeamName } from '../../../src/ui/common.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';
import { PictureLoader } from '../picture-loader.js';
import { CorrectionForm } from './correction-form.js';
import { PictureThumb } from './picture-thumb.js';
import { RefusedCatches } from './refused-catches.js';
import { clockTime } from './times.js';

type Kind = 'all' | 'completed' | 'caught' | 'note';

/** The event log, newest first, filtered by team and kind; each catch or completion can be corrected. */
export function FeedTab({ desk }: { desk: Desk }) {
  const team = useSignal<number | undefined>(undefined);
  const kind = useSignal<Kind>('all');
  const loader = useMemo(() => new PictureLoader(() => desk.token), [desk]);
  useEffect(() => () => loader.dispose(), [loader]);
  const view = desk.view.value;
  if (view === undefined) return null;
  const items = feedOf(view).filter(
    (item) =>
      (kind.value === 'all' || item.kind === kind.value) &&
      (team.value === undefined ||
        item.team?.id === team.value ||
        (item.kind === 'caught' && item.catcher?.id === team.value)),
  );
  return (
    <section aria-labelledby="feed-title" class="feed">
      <h2 id="feed-title">Feed</h2>
      <RefusedCatches desk={desk} />
      <div class="row">
        <label class="row">
          Team
          <select
            value={team.value ?? ''}
            onChange={(e) => {
              const value = e.currentTarget.value;
              team.value = value === '' ? undefined : Number(value);
            }}
          >
            <option value="">every team</option>
            {view.state.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label class="row">
          Kind
          <select value={kind.value} onChange={(e) => (kind.value = e.currentTarget.value as Kind)}>
            <option value="all">everything</option>
            <option value="completed">completions</option>
            <option value="caught">catches</option>
            <option value="note">the game’s course</option>
          </select>
        </label>
      </div>
      <ol class="events">
        {items.map((item) => (
          <FeedEntry
            key={`${item.kind}-${item.at}-${item.team?.id ?? ''}`}
            desk={desk}
            item={item}
            loader={loader}
          />
        ))}
      </ol>
    </section>
  );
}

function FeedEntry({ desk, item, loader }: { desk: Desk; item: FeedItem; loader: PictureLoader }) {
  const error = useSignal<string | undefined>(undefined);
  const correcting = useSignal(false);
  const undo = async (team: number): Promise<void> => {
    try {
      await desk.request({ type: 'correction.undo', team, reason: 'undone from the dashboard feed' });
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };
  if (item.kind === 'note')
    return (
      <li class="event" data-kind="note">
        <time>{clockTime(item.at)}</time> {item.note.kind}
        {item.team !== undefined && <> — {item.team.name}</>}
        {item.note.text !== undefined && <> — {item.note.text}</>}
      </li>
    );
  const text =
    item.kind === 'completed'
      ? `completed “${item.title}” for ${item.points} points`
      : `was caught by ${item.catcher?.name ?? '?'} (bounty ${item.bounty})`;
  return (
    <li class="event" data-kind={item.kind} data-team={item.team.id}>
      <div class="row wrap">
        <time>{clockTime(item.at)}</time>
        <TeamName team={item.team} />
        <span>{text}</span>
        {item.pictures.map((id) => (
          <PictureThumb key={id} id={id} loader={loader} alt={`Proof photo of ${item.team.name}`} />
        ))}
        <button type="button" class="secondary small" onClick={() => void undo(item.team.id)}>
          Undo {item.kind === 'completed' ? 'completion' : 'catch'}
        </button>
        <button
          type="button"
          class="secondary small"
          aria-expanded={correcting.value}
          onClick={() => (correcting.value = !correcting.value)}
        >
          Correct {item.team.name}
        </button>
      </div>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {correcting.value && <CorrectionForm desk={desk} team={item.team} />}
    </li>
  );
}
