/** The level at or below which the app offers its low-power mode. */
export const LOW_BATTERY_LEVEL = 0.2;

interface BatteryLike extends EventTarget {
  readonly level: number;
  readonly charging: boolean;
}

/**
 * Calls back with the battery level (0–1) whenever it changes while not charging. Browsers without the
 * Battery API (Safari, Firefox) never call back.
 */
export async function watchBattery(onLevel: (level: number) => void): Promise<void> {
  const getBattery = (navigator as { getBattery?: () => Promise<BatteryLike> }).getBattery;
  if (getBattery === undefined) return;
  const battery = await getBattery.call(navigator);
  const report = (): void => {
    if (!battery.charging) onLevel(battery.level);
  };
  battery.addEventListener('levelchange', report);
  battery.addEventListener('chargingchange', report);
  report();
}

/**
 * Keeps the screen on while wanted: the browser releases a wake lock whenever the page is hidden, so it
 * is taken again on every return to the foreground.
 */
export class ScreenWakeLock {
  private lock: WakeLockSentinel | undefined;
  private wanted = false;

  constructor() {
    document.addEventListener('visibilitychange', () => void this.apply());
  }

  get supported(): boolean {
    return 'wakeLock' in navigator;
  }

  async set(wanted: boolean): Promise<void> {
    this.wanted = wanted;
    await this.apply();
  }

  private async apply(): Promise<void> {
    if (!this.supported) return;
    if (this.wanted && document.visibilityState === 'visible' && this.lock === undefined) {
      try {
        this.lock = await navigator.wakeLock.request('screen');
        this.lock.addEventListener('release', () => (this.lock = undefined));
      } catch {
        // Refused (battery saver, no user gesture yet): the next foreground tries again.
      }
    } else if (!this.wanted && this.lock !== undefined) {
      await this.lock.release();
      this.lock = undefined;
    }
  }
}
