import { errorText, t } from '../i18n/i18n.js';
import { isFinished, type OutboxEntry } from '../outbox/actions.js';
import type { Phone } from '../phone.js';

/** Each action and where it stands: queued / sent / done / refused with the reason. */
export function OutboxList({ phone, pendingOnly = false }: { phone: Phone; pendingOnly?: boolean }) {
  const all = phone.actions.value;
  const positions = all.filter((a) => a.kind === 'location' && !isFinished(a)).length;
  const shown = all
    .filter((a) => a.kind !== 'location')
    .filter(
      (a) => !pendingOnly || !isFinished(a) || a.state === 'refused' || Date.now() - a.createdAt < 60_000,
    )
    .reverse();
  if (pendingOnly && shown.length === 0 && positions === 0) return null;
  return (
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t.value.outboxTitle}</h2>
      {shown.length === 0 && positions === 0 && <p class="muted">{t.value.outboxEmpty}</p>}
      <ul class="plain">
        {shown.map((entry) => (
          <OutboxRow key={entry.id} entry={entry} phone={phone} />
        ))}
      </ul>
      {positions > 0 && <p class="muted">{t.value.positionsWaiting(positions)}</p>}
    </section>
  );
}

function OutboxRow({ entry, phone }: { entry: OutboxEntry; phone: Phone }) {
  const texts = t.value;
  const progress =
    entry.kind === 'photo' && entry.state === 'sent' ? phone.progress.value.get(entry.id) : undefined;
  return (
    <li data-action={entry.kind} data-state={entry.state}>
      {entry.kind === 'photo' && <img class="thumb" src={entry.thumb} alt={texts.proofPhoto} />}
      <span class="grow">
        {texts.kinds[entry.kind](entry.label)}
        {entry.state === 'refused' && entry.error !== undefined && (
          <small class="bad">{errorText(entry.error.code, entry.error.message)}</small>
        )}
        {progress !== undefined && <progress value={progress} max={1} aria-label={texts.proofPhoto} />}
      </span>
      <span class={`state ${entry.state}`}>{texts.states[entry.state]}</span>
      {removable(entry, phone.actions.value, phone.tooOld.value !== undefined) && (
        <button type="button" aria-label={texts.dismiss} onClick={() => void phone.dismiss(entry.id)}>
          ×
        </button>
      )}
    </li>
  );
}

/**
 * A finished action can be removed, except a completion whose photo still waits for it. Once the server
 * refuses this app as too old, a waiting one can be removed too: this version cannot send it, and the app
 * updates itself only when none waits.
 */
const removable = (entry: OutboxEntry, all: readonly OutboxEntry[], tooOld: boolean): boolean =>
  tooOld ||
  (isFinished(entry) && !all.some((a) => a.kind === 'photo' && a.after === entry.id && !isFinished(a)));
