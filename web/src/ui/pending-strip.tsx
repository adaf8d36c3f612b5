import { t } from '../i18n/i18n.js';
import { isFinished } from '../outbox/actions.js';
import type { Phone } from '../phone.js';

/**
 * A line just above the bottom bar while actions wait (the list itself is further down the Play tab,
 * often below the fold): how many, whether they are on their way or wait for the network, and the
 * progress of a photo being uploaded. Positions are not counted: they are sent all the time.
 */
export function PendingStrip({ phone }: { phone: Phone }) {
  const texts = t.value;
  const waiting = phone.actions.value.filter((a) => a.kind !== 'location' && !isFinished(a));
  if (waiting.length === 0) return null;
  const uploading = waiting.find((a) => a.kind === 'photo' && a.state === 'sent');
  const progress = uploading === undefined ? undefined : phone.progress.value.get(uploading.id);
  const online = phone.link.value === 'online';
  return (
    <div class="pending-strip" role="status" data-pending={waiting.length}>
      <span class="grow">
        {online ? texts.pendingSending(waiting.length) : texts.pendingWaiting(waiting.length)}
      </span>
      {progress !== undefined && <progress value={progress} max={1} aria-label={texts.proofPhoto} />}
    </div>
  );
}
