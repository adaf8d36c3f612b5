import { batch, computed, signal } from '@preact/signals';
import { connect, TruinlagError, type TruinlagClient } from '../../../src/client/browser.js';
import { COMMANDS, type AnyCommandInput, type ResultOf } from '../../../src/protocol/commands/index.js';
import type { CatchRefusal } from '../../../src/protocol/catch-refusals.js';
import type { BroadcastMessage } from '../../../src/protocol/envelope.js';
import type { Player, Session } from '../../../src/protocol/entities.js';
import { applyBroadcast } from '../../src/game/apply-broadcast.js';
import type { GameView, Team } from '../../src/game/types.js';

export type Link = 'online' | 'connecting' | 'offline';
export type ConfigView = ResultOf<'config.get'>;
export type Zone = ResultOf<'zone.list'>[number];
export interface TrackPoint {
  readonly lat: number;
  readonly lon: number;
  readonly timestamp: number;
}
/** What a map marker shows of a team: a live team, or a past one as it stood at a moment of its replay. */
export type MarkedTeam = Pick<Team, 'id' | 'name' | 'colour' | 'role' | 'graceUntil'> & {
  readonly location: TrackPoint | null;
};

const TOKEN_KEY = 'truinlag-admin-token';
/** How far back the map's tracks reach at most (the toggle picks less). */
export const TRACK_KEEP_MS = 120 * 60_000;

/**
 * The dashboard's state and the one place it talks to the engine: the admin connection (the client
 * library's browser entry), the sessions and players, and the chosen session's game, kept live by the
 * broadcasts (no polling). The client library resumes from its stream positions after a lost connection.
 */
export class Desk {
  readonly link = signal<Link>('offline');
  readonly loginError = signal<string | undefined>(undefined);
  readonly loggedIn = signal(false);
  /** Who is logged in: the game master's account name, or null for the owner's token (AUTH-7). */
  readonly gameMaster = signal<string | null>(null);
  readonly sessions = signal<readonly Session[]>([]);
  readonly players = signal<readonly Player[]>([]);
  readonly sessionId = signal<number | undefined>(undefined);
  readonly view = signal<GameView | undefined>(undefined);
  readonly tracks = signal<ReadonlyMap<number, readonly TrackPoint[]>>(new Map());
  readonly config = signal<ConfigView | undefined>(undefined);
  readonly zones = signal<readonly Zone[]>([]);
  /** Counts the games ended since login (any session): the past games list is fetched again on each. */
  readonly gamesEnded = signal(0);
  /** The chosen session's catches refused by the evidence check, on record for an override (CATCH-7). */
  readonly refusals = signal<readonly CatchRefusal[]>([]);
  /** The connection board's version as the server's last `connections` notice said (OPS-4). */
  readonly connectionsVersion = signal(0);
  /** Counts the `catalogue.changed` broadcasts since login (CATALOGUE-12): the Catalogue tab re-reads on each. */
  readonly catalogueChanges = signal(0);
  readonly session = computed(() => this.sessions.value.find((s) => s.id === this.sessionId.value));

  private client: TruinlagClient | undefined;

  constructor() {
    // The browser knows at once when its network is gone; the socket may take a while to notice.
    addEventListener('offline', () => (this.link.value = 'offline'));
    addEventListener('online', () => {
      if (this.client !== undefined)
        this.link.value = this.client.connection.status === 'open' ? 'online' : 'connecting';
    });
  }

  /** The token the dashboard logged in with (pictures are read with it, same origin). */
  get token(): string | undefined {
    return this.client?.token;
  }

  /** Logs in again with the token this tab used last (a reload keeps the dashboard open). */
  resume(): void {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token !== null) void this.logIn(token);
  }

  /** Opens the admin connection with a game master's token; refuses any other role. */
  async logIn(token: string): Promise<void> {
    this.client?.close();
    this.loginError.value = undefined;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const client = connect({
      url: `${scheme}//${location.host}/`,
      token,
      reconnect: true,
      backoff: { initialMs: 250, maxMs: 2_000 },
      resync: () => this.refetchAll(),
    });
    this.client = client;
    this.link.value = 'connecting';
    client.onConnection((state) => {
      if (this.client !== client) return;
      if (state.status === 'open') this.link.value = 'online';
      else if (state.status === 'connecting') this.link.value = 'connecting';
      else {
        this.link.value = 'offline';
        if (state.reason.code === 'UNAUTHORISED') this.refuse(client, 'This token opens nothing.');
      }
    });
    client.onBroadcast((b) => this.received(b));
    client.onNotice((n) => {
      if (n.notice === 'connections' && n.version !== undefined) this.connectionsVersion.value = n.version;
    });
    try {
      const welcome = await client.ready;
      if (welcome.role !== 'admin') return this.refuse(client, 'This is not a game master’s token.');
      sessionStorage.setItem(TOKEN_KEY, token);
      this.gameMaster.value = welcome.gameMaster;
      await this.refetchAll();
      this.loggedIn.value = true;
    } catch (error) {
      this.refuse(client, error instanceof Error ? error.message : String(error));
    }
  }

  logOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.client?.close();
    this.client = undefined;
    this.loggedIn.value = false;
  }

  /** Sends a command; session-scoped ones go to the chosen session. */
  request<C extends AnyCommandInput>(command: C, session?: number): Promise<ResultOf<C['type']>> {
    if (this.client === undefined) return Promise.reject(new Error('Not logged in.'));
    const scoped = COMMANDS.get(command.type)?.scope === 'session';
    return this.client.request(command, scoped ? { session: session ?? this.sessionId.value } : {});
  }

  /** Creates a session and shows it (its broadcast may come after the answer: the list is updated now). */
  async addSession(name: string): Promise<void> {
    const session = await this.request({ type: 'session.add', name });
    this.sessions.value = upsert(this.sessions.value, session);
    await this.choose(session.id);
  }

  /** Shows a session: its game, its tracks, its config. */
  async choose(session: number | undefined): Promise<void> {
    batch(() => {
      this.sessionId.value = session;
      this.view.value = undefined;
      this.tracks.value = new Map();
      this.config.value = undefined;
      this.refusals.value = [];
    });
    if (session !== undefined) await this.refetchSession();
  }

  private refuse(client: TruinlagClient, message: string): void {
    client.close();
    if (this.client === client) this.client = undefined;
    sessionStorage.removeItem(TOKEN_KEY);
    batch(() => {
      this.loginError.value = message;
      this.loggedIn.value = false;
    });
  }

  /** A fresh snapshot of everything shown; returns the stream positions it reflects. */
  private async refetchAll(): Promise<Record<string, number>> {
    const [state, zones] = await Promise.all([this.request({ type: 'state.get' }), this.fetchZones()]);
    batch(() => {
      this.sessions.value = state.sessions;
      this.players.value = state.players;
      this.zones.value = zones;
    });
    const session = this.sessionId.value;
    if (session !== undefined && !state.sessions.some((s) => s.id === session)) await this.choose(undefined);
    else if (session !== undefined) await this.refetchSession();
    return { ...state.seq, ...(this.view.value?.state.seq ?? {}) };
  }

  private fetchZones(): Promise<Zone[]> {
    return this.request({ type: 'zone.list' });
  }

  private async refetchSession(): Promise<void> {
    const session = this.sessionId.value;
    if (session === undefined) return;
    const since = Date.now() - TRACK_KEEP_MS;
    const [state, trails, config, refusals] = await Promise.all([
      this.request({ type: 'session.state' }, session),
      this.request({ type: 'location.list', since }, session),
      this.request({ type: 'config.get' }, session),
      this.request({ type: 'catch.refusals' }, session),
    ]);
    if (this.sessionId.value !== session) return;
    batch(() => {
      this.view.value = { state, notes: this.view.value?.notes ?? [] };
      this.tracks.value = new Map(trails.map((t) => [t.team, t.track]));
      this.config.value = config;
      this.refusals.value = refusals;
    });
  }

  private received(b: BroadcastMessage): void {
    const e = b.event;
    if (e.type === 'session.added' || e.type === 'session.changed')
      this.sessions.value = upsert(this.sessions.value, e.session);
    if (b.session !== null) this.followSessionGame(b.session, e);
    if (e.type === 'player.added' || e.type === 'player.changed')
      this.players.value = upsert(this.players.value, e.player);
    if (e.type === 'game.ended') this.gamesEnded.value++;
    if (e.type === 'catalogue.changed') this.catalogueChanges.value++;
    const view = this.view.value;
    if (view === undefined || b.session !== view.state.session.id) return;
    const applied = applyBroadcast(view, b);
    this.view.value = applied.view;
    if (e.type === 'location') this.addTrackPoint(e.team, e.location);
    if (e.type === 'config.changed')
      void this.request({ type: 'config.get' }).then((c) => (this.config.value = c));
    if (e.type === 'catch.refused') this.refusals.value = [...this.refusals.value, e.refusal];
    // A catch settles the refusals of its teams, the game's end all of them (CATCH-7).
    if (e.type === 'caught' || e.type === 'game.ended')
      void this.request({ type: 'catch.refusals' }).then((r) => (this.refusals.value = r));
    // After its end, the snapshot carries the ended game's course with its authors (AUTH-7).
    if (applied.refetch || e.type === 'game.ended') void this.refetchSession();
  }

  /** Keeps the session picker's "(running)" and pause marks true as games start, end and pause. */
  private followSessionGame(id: number, e: BroadcastMessage['event']): void {
    const session = this.sessions.value.find((s) => s.id === id);
    if (session === undefined) return;
    const game = e.type === 'game.started' ? e.game.id : e.type === 'game.ended' ? null : session.game;
    const paused = e.type === 'clock.paused' ? true : e.type === 'clock.resumed' ? false : session.paused;
    if (game !== session.game || paused !== session.paused)
      this.sessions.value = upsert(this.sessions.value, { ...session, game, paused });
  }

  private addTrackPoint(team: number, point: TrackPoint): void {
    const tracks = new Map(this.tracks.value);
    const keepFrom = Date.now() - TRACK_KEEP_MS;
    const track = [...(tracks.get(team) ?? []), point].filter((p) => p.timestamp >= keepFrom);
    tracks.set(team, track);
    this.tracks.value = tracks;
  }
}

function upsert<T extends { id: number }>(list: readonly T[], item: T): T[] {
  return list.some((x) => x.id === item.id)
    ? list.map((x) => (x.id === item.id ? item : x))
    : [...list, item];
}

/** The human text of a refusal: the server's message (it says what to do). */
export function refusalText(error: unknown): string {
  if (error instanceof TruinlagError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
