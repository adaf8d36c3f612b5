import { useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { Team } from '../../../src/game/types.js';
import { TeamName } from '../../../src/ui/common.js';
import type { Desk } from '../desk.js';
import { PictureLoader } from '../picture-loader.js';
import { PictureThumb } from './picture-thumb.js';
import { clockTime } from './times.js';

type Period = Team['periods'][number];

interface Shown {
  readonly id: number;
  readonly alt: string;
}

/** What a period was, in a few words: its completion or catch. */
function periodText(period: Period, teams: readonly Team[]): string {
  const name = (id: number): string => teams.find((t) => t.id === id)?.name ?? `team ${id}`;
  const c = period.context;
  if (c.type === 'completed') return `completed “${c.title}”`;
  if (c.type === 'caught') return `caught by ${name(c.catcherTeam)}`;
  return `caught ${name(c.caughtTeam)}`;
}

/**
 * Photo review: every proof photo of the session, by team and period. Thumbnails stream in as they
 * scroll into view, a few at a time (PictureLoader); a click opens the full image in a dialog.
 */
export function PhotosTab({ desk }: { desk: Desk }) {
  const loader = useMemo(() => new PictureLoader(() => desk.token), [desk]);
  useEffect(() => () => loader.dispose(), [loader]);
  const shown = useSignal<Shown | undefined>(undefined);
  const teams = desk.view.value?.state.teams ?? [];
  return (
    <section aria-labelledby="photos-title" class="photos">
      <h2 id="photos-title">Photos</h2>
      {teams.map((team) => {
        const periods = team.periods.filter((p) => p.pictures.length > 0);
        return (
          <section key={team.id} class="panel" data-team={team.id} aria-labelledby={`photos-team-${team.id}`}>
            <h3 id={`photos-team-${team.id}`}>
              <TeamName team={team} />
            </h3>
            {periods.length === 0 && <p class="hint">No proof photos yet.</p>}
            {periods.map((period) => {
              const what = periodText(period, teams);
              return (
                <div key={period.index} class="period" data-period={period.index}>
                  <h4>
                    Period {period.index + 1}: {what} (ended {clockTime(period.endedAt)})
                  </h4>
                  <div class="row wrap">
                    {period.pictures.map((id) => {
                      const alt = `Proof photo of ${team.name}, period ${period.index + 1}`;
                      return (
                        <PictureThumb
                          key={id}
                          id={id}
                          loader={loader}
                          alt={alt}
                          open={() => (shown.value = { id, alt })}
                        />
                      );
                    })}
                  </div>
                </div>
              );
            })}
          </section>
        );
      })}
      {shown.value !== undefined && (
        <PhotoDialog shown={shown.value} loader={loader} close={() => (shown.value = undefined)} />
      )}
    </section>
  );
}

/** One photo at full size, in a modal dialog; its bytes are let go when it closes. */
function PhotoDialog({ shown, loader, close }: { shown: Shown; loader: PictureLoader; close: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const url = useSignal<string | undefined>(undefined);
  const error = useSignal<string | undefined>(undefined);
  useEffect(() => {
    dialog.current?.showModal();
    let live = true;
    loader.load(shown.id, 'full').then(
      (u) => live && (url.value = u),
      (e: unknown) => live && (error.value = e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
      loader.release(shown.id, 'full');
    };
  }, [shown.id, loader]);
  return (
    <dialog ref={dialog} class="photo" aria-labelledby="photo-title" onClose={close}>
      <div class="row">
        <h2 id="photo-title">{shown.alt}</h2>
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {url.value !== undefined && <img class="full" src={url.value} alt={shown.alt} data-full={shown.id} />}
      {url.value === undefined && error.value === undefined && <p role="status">Loading…</p>}
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </dialog>
  );
}
