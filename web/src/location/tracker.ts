import type { CommandInput } from '../../../src/protocol/commands/index.js';

/** A fix as the engine takes it (`location.send`): device capture time and accuracy included. */
export type Fix = CommandInput<'location.send'>['location'];

export function fixOf(position: GeolocationPosition): Fix {
  const c = position.coords;
  return {
    lat: c.latitude,
    lon: c.longitude,
    accuracy: Math.min(100_000, Math.max(0, c.accuracy)),
    heading: c.heading === null || Number.isNaN(c.heading) ? null : c.heading,
    speed: c.speed === null || Number.isNaN(c.speed) ? null : Math.max(0, c.speed),
    timestamp: Math.round(position.timestamp),
  };
}

/**
 * The phone's position: a continuous watch while the app is open, and a fresh fix on demand (on open and
 * on every return to the foreground, when the watch may have slept). Low-power mode asks the phone for
 * coarse positions, which spares the GPS.
 */
export class LocationTracker {
  private watch: number | undefined;
  private lowPower = false;

  constructor(private readonly onFix: (fix: Fix) => void) {}

  get supported(): boolean {
    return 'geolocation' in navigator;
  }

  start(lowPower: boolean): void {
    if (!this.supported) return;
    if (this.watch !== undefined && lowPower === this.lowPower) return;
    this.stop();
    this.lowPower = lowPower;
    this.watch = navigator.geolocation.watchPosition(
      (p) => this.onFix(fixOf(p)),
      () => undefined,
      { enableHighAccuracy: !lowPower, maximumAge: lowPower ? 60_000 : 0, timeout: 60_000 },
    );
  }

  /** Asks for a new fix now (the watch keeps running). */
  freshFix(): void {
    if (!this.supported) return;
    navigator.geolocation.getCurrentPosition(
      (p) => this.onFix(fixOf(p)),
      () => undefined,
      { enableHighAccuracy: !this.lowPower, maximumAge: 5_000, timeout: 30_000 },
    );
  }

  stop(): void {
    if (this.watch !== undefined) navigator.geolocation.clearWatch(this.watch);
    this.watch = undefined;
  }
}
