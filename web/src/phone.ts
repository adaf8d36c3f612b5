import { batch, computed, signal } from '@preact/signals';
import type { AnyCommandInput } from '../../src/protocol/commands/index.js';
import type { GameConfig } from '../../src/protocol/game-config.js';
import type { LatLon } from '../../src/protocol/geo.js';
import { deleteValue, openDeviceDb, outboxStore, readValue, writeValue, type DeviceDb } from './device/db.js';
import { deviceClientId, storedLogin, type Login } from './device/identity.js';
import { LOW_BATTERY_LEVEL, ScreenWakeLock, watchBattery } from './device/power.js';
import { applyBroadcast } from './game/apply-broadcast.js';
import { offerInLanguage, teamOf } from './game/selectors.js';
import type { GameView, SessionState } from './game/types.js';
import { language, type Language } from './i18n/i18n.js';
import { sendDelay, type LastSent } from './location/throttle.js';
import { LocationTracker, type Fix } from './location/tracker.js';
import { connectToEngine, isUnreachable, TruinlagError, type TruinlagClient } from './net/connection.js';
import { hasPending, type ActionDraft, type OutboxEntry } from './outbox/actions.js';
import { Outbox, Unreachable, type Answer } from './outbox/outbox.js';
import { compressPhoto } from './photos/compress.js';
import { uploadPhoto } from './photos/upload.js';

export type LinkState = 'online' | 'connecting' | 'offline';

/** Settings the player chooses on this phone. */
export interface Settings {
  readonly language: Language | null;
  readonly lowPower: boolean;
  readonly wakeLock: boolean;
}

const VIEW = 'view';
const CONFIG = 'config';
const TRACK = 'track';
const SETTINGS = 'settings';
/** How many points of the phone's own track are kept for the map. */
const TRACK_POINTS = 2_000;
/** How long a first connection may take before a login says "no connection". */
const LOGIN_CONNECT_MS = 8_000;
/** How often waiting actions are retried even without a reconnect (a photo after a failed upload). */
const RETRY_MS = 15_000;
/** A fix older than this is renewed on demand (the engine takes an unchanged position again after a minute). */
const STILL_FIX_MS = 45_000;

interface StoredView {
  readonly view: GameView;
  /** When the server last confirmed it (the "last known state" age shown while offline). */
  readonly at: number;
}

const answered = (result: unknown): Answer => ({ ok: true, result });

/** The minimum app version a CLIENT_TOO_OLD refusal names (any text, should a server name none). */
function minimumOf(refusal: TruinlagError): string {
  const minimum = refusal.details?.minimum;
  return typeof minimum === 'string' ? minimum : 'newer';
}

/** A refusal is the server's final answer; a lost or closed connection means "send it again later". */
function refused(error: unknown): Answer {
  if (isUnreachable(error)) throw new Unreachable();
  if (!(error instanceof TruinlagError)) throw error;
  return { ok: false, error: { code: error.code, message: error.message, details: error.details } } as Answer;
}

/**
 * The app's state and everything that changes it: the login, the game as last known (kept on the
 * device, so the app starts without signal), the connection, the outbox, the phone's position.
 * Screens read its signals and call its methods; nothing else talks to the server or the device store.
 */
export class Phone {
  readonly login = signal<Login | undefined>(undefined);
  readonly view = signal<GameView | undefined>(undefined);
  /** When the view was last confirmed by the server. */
  readonly viewAt = signal<number | undefined>(undefined);
  readonly link = signal<LinkState>('offline');
  readonly actions = signal<readonly OutboxEntry[]>([]);
  readonly progress = signal<ReadonlyMap<string, number>>(new Map());
  readonly ownFix = signal<Fix | undefined>(undefined);
  readonly track = signal<readonly LatLon[]>([]);
  /** The session's effective game config (for the phase of the day). */
  readonly config = signal<GameConfig | undefined>(undefined);
  readonly settings = signal<Settings>({ language: null, lowPower: false, wakeLock: false });
  readonly batteryLevel = signal<number | undefined>(undefined);
  /**
   * The oldest app version the server accepts, once it refused this one (CLIENT_TOO_OLD): the app then
   * reloads itself as soon as no action is pending (see `reloadWhenTooOld`).
   */
  readonly tooOld = signal<string | undefined>(undefined);
  /** A message for the login screen (the server ended the login). */
  readonly loginNotice = signal<string | undefined>(undefined);

  readonly team = computed(() => {
    const view = this.view.value;
    const login = this.login.value;
    return view && login ? teamOf(view.state, login.player) : undefined;
  });
  readonly gameRunning = computed(() => (this.view.value?.state.game ?? null) !== null);
  /** Whether actions still wait to be answered (an app update waits for them). */
  readonly busy = computed(() => hasPending(this.actions.value));
  readonly lowBatteryOffer = computed(
    () =>
      !this.settings.value.lowPower &&
      this.batteryLevel.value !== undefined &&
      this.batteryLevel.value <= LOW_BATTERY_LEVEL,
  );

  private client: TruinlagClient | undefined;
  private readonly outbox: Outbox;
  private readonly tracker = new LocationTracker((fix) => this.gotFix(fix));
  private readonly wakeLock = new ScreenWakeLock();
  private lastSent: LastSent | null = null;
  private fixTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly db: DeviceDb,
    readonly clientId: string,
  ) {
    this.outbox = new Outbox({
      store: outboxStore(db),
      // Actions are only taken while logged in, and a login always has a client.
      newId: () => (this.client as TruinlagClient).newRequestId(),
      now: () => Date.now(),
      onChange: (entries) => (this.actions.value = entries),
      onProgress: (id, fraction) => (this.progress.value = new Map(this.progress.value).set(id, fraction)),
      senders: {
        connected: () => this.client?.connection.status === 'open',
        command: (action) => {
          if (this.client === undefined) return Promise.reject(new Unreachable());
          return this.client
            .request(action.command, { id: action.id, session: action.session })
            .then(answered, refused);
        },
        photo: (action, progress) => {
          const token = this.login.value?.token;
          if (token === undefined) return Promise.reject(new Unreachable());
          return uploadPhoto(action, token, progress);
        },
      },
    });
  }

  /** Opens the device store and picks up where the last run left off (offline too). */
  static async start(): Promise<Phone> {
    const db = await openDeviceDb();
    const phone = new Phone(db, await deviceClientId(db));
    await phone.restore();
    return phone;
  }

  private async restore(): Promise<void> {
    const [login, stored, track, settings, config] = await Promise.all([
      storedLogin(this.db),
      readValue<StoredView>(this.db, VIEW),
      readValue<LatLon[]>(this.db, TRACK),
      readValue<Settings>(this.db, SETTINGS),
      readValue<GameConfig>(this.db, CONFIG),
    ]);
    await this.outbox.load();
    batch(() => {
      if (settings !== undefined) this.settings.value = settings;
      if (settings?.language) language.value = settings.language;
      this.track.value = track ?? [];
      this.config.value = config;
      this.login.value = login;
      if (login !== undefined && stored?.view.state.session.id === login.session) {
        this.view.value = stored.view;
        this.viewAt.value = stored.at;
      }
    });
    this.watchDevice();
    if (login !== undefined) this.connect(login.token);
  }

  // ——— connection ———

  /** (Re)opens the connection, resuming from the positions the stored view reflects. */
  private connect(token: string | undefined): TruinlagClient {
    this.client?.close();
    const view = this.view.value;
    const client = connectToEngine({
      token,
      clientId: this.clientId,
      since: view?.state.seq,
      resync: async () => (await this.refetch()) ?? {},
    });
    this.client = client;
    this.link.value = navigator.onLine ? 'connecting' : 'offline';
    client.onConnection((state) => {
      if (this.client !== client) return;
      // The server refused the token itself (the login was ended): reconnecting cannot help.
      if (state.status === 'closed' && !state.reconnecting && state.reason.code === 'UNAUTHORISED')
        return void this.forget(true);
      if (state.status === 'closed' && state.reason.code === 'CLIENT_TOO_OLD')
        this.tooOld.value = minimumOf(state.reason);
      const retrying = state.status !== 'closed' || state.reconnecting;
      this.link.value =
        state.status === 'open' ? 'online' : navigator.onLine && retrying ? 'connecting' : 'offline';
      if (state.status === 'open') void this.connected();
    });
    client.onBroadcast((b) => {
      const current = this.view.value;
      if (this.client !== client || current === undefined) return;
      const { view, refetch } = applyBroadcast(current, b);
      this.setView(view);
      if (refetch) void this.refetch();
      if (b.event.type === 'config.changed') void this.fetchConfig();
    });
    return client;
  }

  private async connected(): Promise<void> {
    const welcome = this.client?.welcome;
    const login = this.login.value;
    if (login !== undefined && welcome?.role === 'player' && welcome.session !== null) {
      if (welcome.session !== login.session) await this.saveLogin({ ...login, session: welcome.session });
      if (this.view.value?.state.session.id !== welcome.session) await this.refetch();
      else this.viewAt.value = Date.now();
      await this.fetchConfig();
    }
    this.tracker.freshFix();
    await this.outbox.kick();
  }

  /** Takes a fresh snapshot of the session (first start, corrections, a resync). Returns what it reflects. */
  private async refetch(): Promise<Record<string, number> | undefined> {
    const client = this.client;
    const session = client?.welcome?.session;
    if (client === undefined || session === null || session === undefined) return undefined;
    const state: SessionState = await client.request({ type: 'session.state' }, { session });
    if (this.client !== client) return undefined;
    this.setView({ state, notes: this.view.value?.notes ?? [] });
    return state.seq;
  }

  private async fetchConfig(): Promise<void> {
    const client = this.client;
    const session = client?.welcome?.session;
    if (client === undefined || session === null || session === undefined) return;
    const { effective } = await client.request({ type: 'config.get' }, { session });
    this.config.value = effective;
    await writeValue(this.db, CONFIG, effective);
  }

  private setView(view: GameView): void {
    batch(() => {
      this.view.value = view;
      this.viewAt.value = Date.now();
    });
    void this.wakeLock.set(this.settings.value.wakeLock && view.state.game !== null);
    this.sendFixWhenDue();
    // Broadcasts come in bursts (a resume): the view is written once the burst is over.
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveView(), 200);
  }

  private async saveView(): Promise<void> {
    const view = this.view.value;
    if (view !== undefined) await writeValue(this.db, VIEW, { view, at: this.viewAt.value ?? Date.now() });
  }

  // ——— login ———

  /** Logs in with the passphrase (D6) and keeps the token, so that the app logs in silently from now on. */
  async logIn(passphrase: string): Promise<void> {
    const client = this.connect(undefined);
    const ready = await Promise.race([
      client.ready.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), LOGIN_CONNECT_MS)),
    ]);
    if (!ready) throw new TruinlagError('DISCONNECTED', 'no connection');
    const { token, player } = await client.login(passphrase.trim());
    if (player.session === null) throw new TruinlagError('NOT_FOUND', 'no session');
    this.loginNotice.value = undefined;
    await this.saveLogin({ token, player: player.id, playerName: player.name, session: player.session });
    await this.refetch();
    await this.connected();
  }

  /** Logs out: the server forgets the token (when reachable) and the phone forgets the game. */
  async logOut(): Promise<void> {
    const client = this.client;
    if (client !== undefined && this.link.value === 'online') {
      await Promise.race([client.logout().catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))]);
    }
    await this.forget(false);
  }

  private async forget(byServer: boolean): Promise<void> {
    this.client?.close();
    this.client = undefined;
    for (const entry of this.outbox.all) await this.outbox.dismiss(entry.id);
    await Promise.all([
      deleteValue(this.db, 'login'),
      deleteValue(this.db, VIEW),
      deleteValue(this.db, TRACK),
    ]);
    batch(() => {
      this.login.value = undefined;
      this.view.value = undefined;
      this.track.value = [];
      this.link.value = 'offline';
      this.loginNotice.value = byServer ? 'loggedOutByServer' : undefined;
    });
  }

  private async saveLogin(login: Login): Promise<void> {
    await writeValue(this.db, 'login', login);
    this.login.value = login;
  }

  // ——— actions ———

  /** Reports a completed challenge; the photo (optional) is uploaded after it, without holding it up. */
  async complete(challenge: number, photo: Blob | undefined): Promise<void> {
    const team = this.team.value;
    const session = this.view.value?.state.session.id;
    const offer = team?.offers.find((o) => o.challengeId === challenge);
    if (team === undefined || session === undefined || offer === undefined) return;
    const completion = await this.outbox.add({
      kind: 'complete',
      session,
      label: offerInLanguage(offer, language.value).title,
      command: { type: 'complete', team: team.id, challenge, periodId: team.periodId },
    });
    if (photo !== undefined)
      await this.addPhoto(
        photo,
        team.id,
        team.periodId,
        completion.id,
        offerInLanguage(offer, language.value).title,
      );
  }

  /**
   * Reports a catch with the catcher's own fix as its evidence (CATCH-6); without a fix the engine refuses
   * it with CATCHER_LOCATION_MISSING, which the outbox shows.
   */
  async catchTeam(caught: number): Promise<void> {
    const team = this.team.value;
    const view = this.view.value;
    const target = view?.state.teams.find((t) => t.id === caught);
    if (team === undefined || view === undefined || target === undefined) return;
    const fix = this.ownFix.value;
    await this.outbox.add({
      kind: 'catch',
      session: view.state.session.id,
      label: target.name,
      command: { type: 'catch', catcher: team.id, caught, periodId: team.periodId, position: fix },
    });
  }

  async renameTeam(name: string): Promise<void> {
    const team = this.team.value;
    const session = this.view.value?.state.session.id;
    if (team === undefined || session === undefined) return;
    await this.outbox.add({
      kind: 'rename',
      session,
      label: name,
      command: { type: 'team.rename', team: team.id, name: name.trim() },
    });
  }

  dismiss(id: string): Promise<void> {
    return this.outbox.dismiss(id);
  }

  private async addPhoto(
    file: Blob,
    team: number,
    period: number,
    after: string,
    label: string,
  ): Promise<void> {
    const session = this.view.value?.state.session.id;
    if (session === undefined) return;
    const { photo, thumb } = await compressPhoto(file);
    const draft: ActionDraft = { kind: 'photo', session, label, team, period, photo, thumb, after };
    await this.outbox.add(draft);
  }

  // ——— position ———

  private gotFix(fix: Fix): void {
    this.ownFix.value = fix;
    const track = [...this.track.value, { lat: fix.lat, lon: fix.lon }].slice(-TRACK_POINTS);
    this.track.value = track;
    void writeValue(this.db, TRACK, track);
    this.sendFixWhenDue();
  }

  /** Sends the newest fix when the throttle says so (a game must run and the player be in a team). */
  private sendFixWhenDue(): void {
    clearTimeout(this.fixTimer);
    const fix = this.ownFix.value;
    if (fix === undefined || !this.gameRunning.value || this.team.value === undefined) return;
    const delay = sendDelay(this.lastSent, fix, Date.now(), this.settings.value.lowPower);
    if (delay === 0) void this.sendFix(fix);
    else if (delay !== null) this.fixTimer = setTimeout(() => this.sendFixWhenDue(), delay);
  }

  private async sendFix(fix: Fix): Promise<void> {
    const session = this.view.value?.state.session.id;
    if (session === undefined) return;
    this.lastSent = { fix, sentAt: Date.now() };
    const command: AnyCommandInput = { type: 'location.send', location: fix };
    await this.outbox.add({ kind: 'location', session, label: '', command });
  }

  // ——— device ———

  async changeSettings(change: Partial<Settings>): Promise<void> {
    const settings = { ...this.settings.value, ...change };
    this.settings.value = settings;
    if (settings.language !== null) language.value = settings.language;
    this.tracker.start(settings.lowPower);
    await this.wakeLock.set(settings.wakeLock && this.gameRunning.value);
    await writeValue(this.db, SETTINGS, settings);
  }

  /** Reconnects at once when the phone says it has a network again, and fixes on every return. */
  private watchDevice(): void {
    this.tracker.start(this.settings.value.lowPower);
    this.tracker.freshFix();
    void watchBattery((level) => (this.batteryLevel.value = level));
    addEventListener('online', () => this.reconnect());
    addEventListener('offline', () => {
      // The socket may take minutes to notice: the phone knows now.
      this.client?.close();
      this.link.value = 'offline';
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return void this.saveView();
      this.tracker.freshFix();
      if (this.link.value !== 'online') this.reconnect();
    });
    setInterval(() => {
      if (this.link.value === 'offline' && navigator.onLine) this.reconnect();
      void this.outbox.kick();
      // A phone that does not move may get no new fix from its watch: ask, so that the team's location
      // stays fresh while it sits still (LOCATION-2, CATCH-6).
      if (Date.now() - (this.ownFix.value?.timestamp ?? 0) > STILL_FIX_MS) this.tracker.freshFix();
    }, RETRY_MS);
  }

  private reconnect(): void {
    const login = this.login.value;
    if (login !== undefined) this.connect(login.token);
  }
}
