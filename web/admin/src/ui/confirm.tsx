import type { Signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';

export interface Confirmation {
  readonly title: string;
  /** What the action will do, in full: the game master confirms exactly this. */
  readonly text: string;
  readonly action: string;
  readonly run: () => Promise<unknown>;
}

/** A modal that says what an action will do before it is done. */
export function ConfirmDialog({ ask, close }: { ask: Confirmation; close: (error?: string) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  const run = (): void => {
    ask.run().then(
      () => close(),
      (error: unknown) => close(error instanceof Error ? error.message : String(error)),
    );
  };
  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onClose={() => close()}>
      <h2 id="confirm-title">{ask.title}</h2>
      <p>{ask.text}</p>
      <div class="row end">
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={run}>
          {ask.action}
        </button>
      </div>
    </dialog>
  );
}

/**
 * The confirmation asked for (if any) and what became of the last one: the error of a refused action
 * stays shown under the buttons until the next confirmation.
 */
export function AskedConfirmation({
  ask,
  error,
}: {
  ask: Signal<Confirmation | undefined>;
  error: Signal<string | undefined>;
}) {
  return (
    <>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {ask.value !== undefined && (
        <ConfirmDialog
          ask={ask.value}
          close={(message) => {
            ask.value = undefined;
            error.value = message;
          }}
        />
      )}
    </>
  );
}
