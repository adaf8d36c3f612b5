import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/node.js';
import { east, north, onGrid } from '../../game/support/world.js';
import { closeClients, openClient } from '../../helpers/clients.js';
import { found, theOne } from '../../helpers/found.js';
import { launchChromium } from '../support/chromium.js';
import { startGame, startGameServer, type GameServer } from '../support/game.js';
import { logIn, look, msUntil, openDashboard, type Dashboard } from './dashboard-page.js';

const HB = { lat: 47.3779, lon: 8.5403 };
/** The dashboard must follow a phone's acknowledged change within this long (issue 13). */
const FOLLOW_MS = 1_000;

interface Frame {
  readonly from: 'page' | 'server';
  readonly message: { type: string; [key: string]: unknown };
}

/**
 * The dashboard's WebSocket, through a relay the test controls: every frame either way is recorded, and
 * `cut` closes the connection and refuses new ones (the page's reconnects) until `restore`.
 */
interface Relay {
  readonly frames: Frame[];
  cut(): Promise<void>;
  restore(): void;
}

async function relayOf(dash: Dashboard): Promise<Relay> {
  const frames: Frame[] = [];
  const open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  let refusing = false;
  const record = (from: Frame['from'], message: string | Buffer): void => {
    frames.push({ from, message: JSON.parse(String(message)) as Frame['message'] });
  };
  await dash.context.routeWebSocket(/.*/, async (page) => {
    if (refusing) return page.close({ code: 1001, reason: 'cut by the test' });
    const server = page.connectToServer();
    const pair = { page, server };
    open.add(pair);
    page.onMessage((message) => {
      record('page', message);
      server.send(message);
    });
    server.onMessage((message) => {
      record('server', message);
      page.send(message);
    });
    page.onClose(() => open.delete(pair));
  });
  return {
    frames,
    cut: async () => {
      refusing = true;
      for (const { page, server } of open) {
        await server.close();
        await page.close({ code: 1001, reason: 'cut by the test' });
      }
      open.clear();
    },
    restore: () => (refusing = false),
  };
}

const fix = (place: { lat: number; lon: number }) => ({
  ...place,
  accuracy: 8,
  heading: null,
  speed: null,
  timestamp: Date.now(),
});

/** The marker of a team at a place (as validation rounds it, LOCATION-7), on the live map. */
const markerAt = (page: Page, team: number, place: { lat: number; lon: number }) => {
  const { lat, lon } = onGrid(place);
  return page.locator(`.team-marker[data-team="${team}"][data-lat="${lat}"][data-lon="${lon}"]`);
};

/**
 * The dashboard follows the game live from broadcasts (issue 13, item 10): two scripted phones move and
 * one completes a challenge; the map and the scoreboard follow within a second of each acknowledged
 * request, and the dashboard asks the server for nothing meanwhile (no polling). When its connection is
 * cut it says so; what happened meanwhile arrives when it is back, resumed from its stream positions.
 */
describe('the dashboard follows the game live', { timeout: 300_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let dash: Dashboard;
  let relay: Relay;
  let runner: { id: number; phone: TruinlagClient };
  let catcher: { id: number; phone: TruinlagClient };

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau']);
    const started = await startGame(game, { catchers: 1 });
    const phoneOf = async (role: 'Runner' | 'Catcher') => {
      const team = theOne(started.teams, (t) => t.role === role, `the ${role} team`);
      const phone = await openClient({ url: game.server.url });
      await phone.login(found(game.teams.find((t) => t.id === team.id)?.passphrase, 'passphrase'));
      return { id: team.id, phone };
    };
    runner = await phoneOf('Runner');
    catcher = await phoneOf('Catcher');
    dash = await openDashboard(browser, game.base);
    relay = await relayOf(dash);
    await logIn(dash.page, game.server.adminToken);
    await dash.page.getByLabel('Session').selectOption(String(game.session));
    await dash.page.locator('.leaflet-container').waitFor();
    await dash.page.locator(`tr[data-team="${runner.id}"]`).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('follows two phones’ moves and a completion within a second, without asking', async () => {
    const page = dash.page;
    const framesBefore = relay.frames.length;
    const follows: number[] = [];
    const places = [
      [runner, north(HB, 300)],
      [catcher, east(HB, 600)],
      [runner, north(HB, 700)],
      [catcher, east(HB, 200)],
    ] as const;
    for (const [team, place] of places) {
      expect(await team.phone.request({ type: 'location.send', location: fix(place) })).toEqual({
        accepted: true,
      });
      follows.push(await msUntil(() => markerAt(page, team.id, place).waitFor({ timeout: FOLLOW_MS })));
    }
    const state = await game.admin.request({ type: 'session.state' }, { session: game.session });
    const hand = theOne(state.teams, (t) => t.id === runner.id, 'the runner');
    const done = await runner.phone.request({
      type: 'complete',
      team: runner.id,
      challenge: found(hand.offers[0], 'the runner’s hand').challengeId,
      periodId: hand.periodId,
    });
    follows.push(
      await msUntil(() =>
        page
          .locator(`tr[data-team="${runner.id}"] [data-points="${done.team.points}"]`)
          .waitFor({ timeout: FOLLOW_MS }),
      ),
    );
    for (const ms of follows) expect(ms).toBeLessThan(FOLLOW_MS);
    await look(page, 'live-follow');
    // Everything above reached the page as broadcasts: it sent not one request meanwhile.
    const asked = relay.frames.slice(framesBefore).filter((f) => f.from === 'page');
    expect(asked).toEqual([]);
    expect(relay.frames.slice(framesBefore).filter((f) => f.message.type === 'broadcast')).not.toEqual([]);
  });

  it('says when its connection is cut, and gets what it missed when it is back', async () => {
    const page = dash.page;
    await relay.cut();
    await page.locator('[data-link=connecting]').getByText('Connection lost').waitFor();
    await look(page, 'live-connection-cut');

    // Meanwhile: both phones meet at HB and the catcher catches the runner.
    const meeting = north(HB, 50);
    for (const team of [runner, catcher])
      expect(await team.phone.request({ type: 'location.send', location: fix(meeting) })).toEqual({
        accepted: true,
      });
    const state = await game.admin.request({ type: 'session.state' }, { session: game.session });
    await catcher.phone.request({
      type: 'catch',
      catcher: catcher.id,
      caught: runner.id,
      periodId: theOne(state.teams, (t) => t.id === catcher.id, 'the catcher').periodId,
      position: fix(meeting),
    });
    await page.waitForTimeout(500);
    await expect(markerAt(page, runner.id, meeting).count()).resolves.toBe(0);
    await expect(page.locator(`tr[data-team="${runner.id}"] [data-role=Runner]`).count()).resolves.toBe(1);

    const cutAt = relay.frames.length;
    relay.restore();
    await page.locator('[data-link=online]').waitFor({ timeout: 15_000 });
    for (const team of [runner, catcher]) await markerAt(page, team.id, meeting).waitFor();
    await page.locator(`tr[data-team="${runner.id}"] [data-role=Catcher]`).waitFor();
    await page.locator(`tr[data-team="${catcher.id}"] [data-role=Runner]`).waitFor();

    // It resumed from its positions: the hello named them, and the server sent the missed broadcasts.
    const after = relay.frames.slice(cutAt);
    const hello = theOne(after, (f) => f.message.type === 'hello', 'the reconnect’s hello').message;
    expect(hello.since).toMatchObject({ [String(game.session)]: expect.any(Number) as number });
    const missed = after
      .filter((f) => f.message.type === 'broadcast')
      .map((f) => (f.message.event as { type: string }).type);
    expect(missed).toEqual(expect.arrayContaining(['location', 'caught']));
    expect(after.filter((f) => f.message.type === 'notice')).toEqual([]);
    expect(dash.outside).toEqual([]);
  });
});
