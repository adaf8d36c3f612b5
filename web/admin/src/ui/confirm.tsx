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
