import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { feedOf, type FeedItem } from '../../../src/game/selectors.js';
import type { Note, Team } from '../../../src/game/types.js';
import { TeamName } from '../../../src/ui/common.js';
import { authorName } from '../author.js';
import { notesWithAuthors } from '../course-notes.js';
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
  const items = feedOf({ ...view, notes: notesWithAuthors(view) }).filter(
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

/** What each kind of correction did (CORRECTION-2 to CORRECTION-4). */
const CORRECTIONS: Readonly<Record<string, string>> = {
  undo: 'last catch or completion undone',
  adjust: 'points or bounty adjusted',
  endGrace: 'grace ended',
  newHand: 'new hand dealt',
  move: 'moved to another zone',
};

/** What a course note says, and who made it (AUTH-7). */
function noteText(note: Note, team: Team | undefined): string {
  const teamName = team?.name ?? '';
  const texts: Record<Note['kind'], string> = {
    started: 'The game started',
    ended: `The game ended (${note.text === 'time' ? 'its time was up' : 'stopped'})`,
    paused: 'The game was paused',
    resumed: 'The game goes on',
    graceEnded: `${teamName}’s grace period is over`,
    announcement: `Announcement: ${note.text ?? ''}`,
    correction: `Correction of ${teamName}: ${CORRECTIONS[note.text ?? ''] ?? note.text ?? ''}`,
  };
  return texts[note.kind] + (note.by === undefined ? '' : ` — by ${authorName(note.by)}`);
}

function FeedEntry({ desk, item, loader }: { desk: Desk; item: FeedItem; loader: PictureLoader }) {
  const error = useSignal<string | undefined>(undefined);
  const correcting = useSignal<number | undefined>(undefined);
  if (item.kind === 'note')
    return (
      <li class="event" data-kind="note" data-note={item.note.kind} data-team={item.team?.id}>
        <time>{clockTime(item.at)}</time> {noteText(item.note, item.team)}
      </li>
    );
  const undo = async (): Promise<void> => {
    try {
      await desk.request({
        type: 'correction.undo',
        team: item.team.id,
        reason: 'undone from the dashboard feed',
      });
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };
  const text =
    item.kind === 'completed'
      ? `completed “${item.title}” for ${item.points} points`
      : `was caught by ${item.catcher?.name ?? '?'} (bounty ${item.bounty})`;
  // A catch touched two teams: either may need a correction (the catcher's grace, say).
  const teams = [item.team, ...(item.kind === 'caught' && item.catcher !== undefined ? [item.catcher] : [])];
  return (
    <li
      class="event"
      data-kind={item.kind}
      data-team={item.team.id}
      data-catcher={item.kind === 'caught' ? item.catcher?.id : undefined}
    >
      <div class="row wrap">
        <time>{clockTime(item.at)}</time>
        <TeamName team={item.team} />
        <span>{text}</span>
        {item.pictures.map((id) => (
          <PictureThumb key={id} id={id} loader={loader} alt={`Proof photo of ${item.team.name}`} />
        ))}
        <button type="button" class="secondary small" onClick={() => void undo()}>
          Undo {item.kind === 'completed' ? 'completion' : 'catch'}
        </button>
        {teams.map((team) => (
          <button
            key={team.id}
            type="button"
            class="secondary small"
            aria-expanded={correcting.value === team.id}
            onClick={() => (correcting.value = correcting.value === team.id ? undefined : team.id)}
          >
            Correct {team.name}
          </button>
        ))}
      </div>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {teams
        .filter((team) => team.id === correcting.value)
        .map((team) => (
          <CorrectionForm key={team.id} desk={desk} team={team} />
        ))}
    </li>
  );
}
