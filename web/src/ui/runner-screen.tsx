import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { msLeft, offerInLanguage } from '../game/selectors.js';
import type { Offer, Team } from '../game/types.js';
import { isFinished } from '../outbox/actions.js';
import { countdownText, language, t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { now } from './clock.js';

/** A runner team's hand: the offered challenges, each completed with an optional proof photo. */
export function RunnerScreen({ phone, team }: { phone: Phone; team: Team }) {
  const completing = useSignal<Offer | undefined>(undefined);
  const grace = msLeft(team.graceUntil, now.value);
  const chosen = completing.value;
  // A challenge already reported (and not yet answered) cannot be reported twice.
  const pending = new Map(
    phone.actions.value.flatMap((a) =>
      a.kind !== 'photo' && a.command.type === 'complete' && !isFinished(a)
        ? [[a.command.challenge, a.state]]
        : [],
    ),
  );
  return (
    <>
      {grace !== null && grace > 0 && (
        <div class="card" role="timer" aria-label={t.value.inGrace}>
          <p class="muted">{t.value.inGrace}</p>
          <p class="big">{countdownText(grace)}</p>
        </div>
      )}
      <h1>{t.value.yourHand}</h1>
      {team.offers.length === 0 && <p class="muted">{t.value.noOffers}</p>}
      {team.offers.map((offer) => (
        <article class="card" key={offer.challengeId} data-challenge={offer.challengeId}>
          <OfferTexts offer={offer} />
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={pending.has(offer.challengeId)}
              onClick={() => (completing.value = offer)}
            >
              {pending.has(offer.challengeId)
                ? `${t.value.complete} · ${t.value.states[pending.get(offer.challengeId) as string]}`
                : t.value.complete}
            </button>
          </div>
        </article>
      ))}
      {chosen !== undefined && (
        <CompleteDialog
          offer={chosen}
          onClose={() => (completing.value = undefined)}
          onSend={(photo) => void phone.complete(chosen.challengeId, photo)}
        />
      )}
    </>
  );
}

/** An offer's texts in the phone's language, its points and the zone it leads to. */
function OfferTexts({ offer }: { offer: Offer }) {
  const { title, description } = offerInLanguage(offer, language.value);
  return (
    <>
      <div class="row">
        <h2 class="grow">{title}</h2>
        <span class="points">{t.value.points(offer.points)}</span>
      </div>
      {offer.zoneNumber != null && <p class="muted">{t.value.zone(offer.zoneNumber)}</p>}
      <p>{description}</p>
    </>
  );
}

/** Confirms a completion and takes the proof photo (camera or gallery). */
function CompleteDialog(props: {
  offer: Offer;
  onClose: () => void;
  onSend: (photo: Blob | undefined) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const photo = useSignal<File | undefined>(undefined);
  const preview = useSignal<string | undefined>(undefined);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  useEffect(() => () => preview.value && URL.revokeObjectURL(preview.value), [preview.value]);
  const choose = (file: File | undefined): void => {
    photo.value = file;
    preview.value = file === undefined ? undefined : URL.createObjectURL(file);
  };
  return (
    <dialog ref={dialog} onClose={props.onClose} aria-labelledby="complete-title">
      <h2 id="complete-title">{t.value.completeTitle(offerInLanguage(props.offer, language.value).title)}</h2>
      <label class="file-button">
        {t.value.addPhoto}
        <input
          type="file"
          accept="image/*"
          capture="environment"
          onChange={(e) => choose(e.currentTarget.files?.[0])}
        />
      </label>
      {preview.value !== undefined && <img class="preview" src={preview.value} alt={t.value.proofPhoto} />}
      <p class="muted">
        <small>{t.value.photoHint}</small>
      </p>
      <div class="actions">
        <button type="button" onClick={() => dialog.current?.close()}>
          {t.value.cancel}
        </button>
        <button
          type="button"
          class="primary"
          onClick={() => {
            props.onSend(photo.value);
            dialog.current?.close();
          }}
        >
          {t.value.confirmComplete}
        </button>
      </div>
    </dialog>
  );
}
