import { signal } from '@preact/signals';

/** The time, ticking every second: countdowns and "2 min ago" read it. */
export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 1_000);
