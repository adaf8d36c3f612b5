import { signal } from '@preact/signals';
import { registerSW } from 'virtual:pwa-register';

/** Whether a new version of the app is installed and waiting. */
export const updateReady = signal(false);

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
