import { effect, signal, type ReadonlySignal } from '@preact/signals';
import { registerSW } from 'virtual:pwa-register';

/** Whether a new version of the app is installed and waiting. */
export const updateReady = signal(false);

/** The minimum version the page last reloaded itself for (kept for this tab only). */
const RELOADED_FOR = 'truinlag-reloaded-for';

let update: ((reload?: boolean) => Promise<void>) | undefined;

/**
 * Registers the service worker that precaches the app shell (the app starts without signal). A new
 * version never takes over by itself: the player is offered it, and only when no action is pending, so
 * that an update never reloads the app in the middle of one.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({ immediate: true, onNeedRefresh: () => (updateReady.value = true) });
}

/** Activates the waiting version (the page reloads). */
export async function applyUpdate(): Promise<void> {
  await update?.(true);
}

/**
 * Once the server refuses this app as too old (CLIENT_TOO_OLD: `tooOld` holds the minimum it accepts), the
 * app loads the new version by itself, but only when no action is pending (`busy`): at once, or as soon as
 * the last one is sent or cleared, so that a reload never drops one. A waiting new version is activated;
 * otherwise the page reloads, once per minimum: if the reloaded app is still too old (no newer one could
 * be fetched yet), it says so and waits for the player or for the new version, instead of reloading forever.
 */
export function reloadWhenTooOld(
  tooOld: ReadonlySignal<string | undefined>,
  busy: ReadonlySignal<boolean>,
): void {
  effect(() => {
    const minimum = tooOld.value;
    if (minimum === undefined || busy.value) return;
    if (updateReady.value) return void applyUpdate();
    if (sessionStorage.getItem(RELOADED_FOR) === minimum) return;
    sessionStorage.setItem(RELOADED_FOR, minimum);
    location.reload();
  });
}

/** Loads the newest version now: the waiting one if there is one, else whatever the server serves. */
export function reloadNow(): void {
  if (updateReady.value) void applyUpdate();
  else location.reload();
}
