import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/node.js';
import { buildDemoCatalogue } from '../../game/support/catalogue.js';
import { closeClients, openClient } from '../../helpers/clients.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtWebApp } from '../../web/built-app.js';
import { launchChromium } from '../support/chromium.js';
import { clientDriver } from '../support/game.js';
import { look, msUntil, openDashboard, setConfig, type Dashboard } from './dashboard-page.js';
import { webApp } from '../../../src/server/web-app.js';

const HB = { lat: 47.3779, lon: 8.5403 };
/** The dashboard must follow a phone's change within this long (issue 13). */
const FOLLOW_MS = 1_000;

const hhmm = (offsetMinutes: number): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Zurich',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.now() + offsetMinutes * 60_000);

const position = (at: { lat: number; lon: number }) => ({
  ...at,
  accuracy: 8,
  heading: null,
  speed: null,
  timestamp: Date.now(),
});

/**
 * A game master runs a game day from the browser only (issue 13): logs in with the admin token, sets
 * up a session from empty, starts it, watches two scripted phones on the live map and scoreboard, and
 * undoes a catch from the feed.
 */
describe('the game master’s dashboard', { timeout: 300_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let admin: TruinlagClient;
  let dash: Dashboard;
  let base: string;
  const cards = new Map<string, string>();

  beforeAll(async () => {
    builtWebApp();
    browser = await launchChromium();
    server = await startTestServer({ staticApp: webApp({ tileUrl: null }) });
    base = server.url.replace('ws://', 'http://');
    admin = await openClient({ socket: server.socketPath });
    await buildDemoCatalogue(clientDriver(server, admin));
    dash = await openDashboard(browser, base);
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await server?.stop();
  });

  it('refuses a wrong token and logs in with the admin token', async () => {
    const page = dash.page;
    await look(page, 'login');
    await page.getByLabel('Game master token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Game master token').fill(server.adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-link=online]').waitFor();
    await page.getByText('Choose a session').waitFor();
    // The data directory's token is the owner's, not a named game master's (AUTH-7).
    await page.getByRole('banner').getByText('Owner', { exact: true }).waitFor();
  });

  it('sets up a game from empty: session, 6 players with login cards, 3 teams, assignment, config, start', async () => {
    const page = dash.page;
    await page.getByRole('link', { name: 'Set-up' }).click();
    await page.getByLabel('Session name').fill('Züri');
    await page.getByRole('button', { name: 'Create session' }).click();
    await page.getByRole('heading', { name: 'Players' }).waitFor();
    for (let i = 1; i <= 6; i++) {
      await page.getByLabel('Name', { exact: true }).fill(`Player ${i}`);
      await page.getByRole('button', { name: 'Add player' }).click();
      await page
        .locator('.card')
        .nth(i - 1)
        .waitFor();
    }
    for (const card of await page.locator('.card').all()) {
      cards.set(
        (await card.locator('strong').textContent()) ?? '',
        (await card.locator('code').textContent()) ?? '',
      );
    }
    expect([...cards.keys()]).toEqual([
      'Player 1',
      'Player 2',
      'Player 3',
      'Player 4',
      'Player 5',
      'Player 6',
    ]);
    expect(new Set(cards.values()).size).toBe(6);
    for (const [name, colour] of [
      ['Rot', '#d62828'],
      ['Blau', '#1d4ed8'],
      ['Grün', '#15803d'],
    ] as const) {
      await page.getByLabel('Team name').fill(name);
      await page.getByLabel('Colour').fill(colour);
      await page.getByRole('button', { name: 'Add team' }).click();
      await page.getByRole('list', { name: 'Teams' }).getByText(name).waitFor();
    }
    const teamOf = ['Rot', 'Rot', 'Blau', 'Blau', 'Grün', 'Grün'];
    for (const [i, team] of teamOf.entries()) {
      await page.getByLabel(`Team of Player ${i + 1}`).selectOption({ label: team });
    }
    await page.getByRole('list', { name: 'Teams' }).getByText('Grün (2)').waitFor();
    await look(page, 'setup');

    await setConfig(page, 'numCatchers', '-1');
    await page.locator('[data-field=numCatchers] .error').waitFor();
    await look(page, 'setup-config-error');
    await setConfig(page, 'numCatchers', '1');
    await page.locator('[data-field=numCatchers] .error').waitFor({ state: 'detached' });
    await setConfig(page, 'startTime', hhmm(-60));
    await setConfig(page, 'endTime', hhmm(180));
    await page.locator('[data-field=endTime].overridden').waitFor();

    await page.getByRole('button', { name: 'Start the game' }).click();
    await page.getByRole('dialog').getByText('1 catcher team(s) are drawn').waitFor();
    await look(page, 'start-confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Pause the game' }).waitFor();
    const session = (await admin.request({ type: 'session.list' }))[0];
    expect(session?.game).not.toBeNull();
    // The session picker follows the start without a reload.
    await page
      .getByRole('combobox', { name: 'Session' })
      .getByText('Züri (running)')
      .waitFor({ state: 'attached' });
  });

  it('follows two scripted phones on the map and the scoreboard within a second, and undoes a catch', async () => {
    const page = dash.page;
    await page.getByRole('link', { name: 'Live' }).click();
    await page.locator('.leaflet-container').waitFor();
    const sessionId = (await admin.request({ type: 'session.list' }))[0]?.id as number;
    const state = await admin.request({ type: 'session.state' }, { session: sessionId });
    const catcherTeam = state.teams.find((t) => t.role === 'Catcher');
    const runnerTeam = state.teams.find((t) => t.role === 'Runner');
    if (catcherTeam === undefined || runnerTeam === undefined) throw new Error('no catcher and runner');
    const nameOf = (team: number): string => state.players.find((p) => p.team === team)?.name ?? '';
    const phone = async (team: number): Promise<TruinlagClient> => {
      const client = await openClient({ url: server.url });
      await client.login(cards.get(nameOf(team)) as string);
      return client;
    };
    const runner = await phone(runnerTeam.id);
    const catcher = await phone(catcherTeam.id);

    await runner.request({ type: 'location.send', location: position(HB) });
    const marker = page.locator(`.team-marker[data-team="${runnerTeam.id}"]`);
    expect(await msUntil(() => marker.waitFor({ timeout: FOLLOW_MS }))).toBeLessThan(FOLLOW_MS);

    const offer = runnerTeam.offers[0];
    if (offer === undefined) throw new Error('the runner has no hand');
    const done = await runner.request({
      type: 'complete',
      team: runnerTeam.id,
      challenge: offer.challengeId,
      periodId: runnerTeam.periodId,
    });
    const followed = await msUntil(() =>
      page
        .locator(`tr[data-team="${runnerTeam.id}"] [data-points="${done.team.points}"]`)
        .waitFor({ timeout: FOLLOW_MS }),
    );
    expect(followed).toBeLessThan(FOLLOW_MS);
    await look(page, 'live');
    // On a small laptop the header's controls share one row; the tabs take the next.
    await page.setViewportSize({ width: 1024, height: 768 });
    const middle = async (name: string, role: 'heading' | 'button'): Promise<number> => {
      const box = await page.getByRole(role, { name }).boundingBox();
      return box === null ? Number.NaN : box.y + box.height / 2;
    };
    const headerGap = (await middle('Log out', 'button')) - (await middle('TrainLag game master', 'heading'));
    await look(page, 'live-1024');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(Math.abs(headerGap)).toBeLessThan(8);

    const before = await admin.request({ type: 'session.state' }, { session: sessionId });
    const standing = (teams: typeof before.teams) =>
      teams
        .filter((t) => t.id === runnerTeam.id || t.id === catcherTeam.id)
        .map(({ id, role, points: p, bounty }) => ({ id, role, points: p, bounty }));
    await runner.request({ type: 'location.send', location: position(HB) });
    await catcher.request({ type: 'location.send', location: position(HB) });
    const catcherNow = before.teams.find((t) => t.id === catcherTeam.id);
    await catcher.request({
      type: 'catch',
      catcher: catcherTeam.id,
      caught: runnerTeam.id,
      periodId: catcherNow?.periodId as number,
      position: position(HB),
    });
    await page
      .locator(`tr[data-team="${runnerTeam.id}"] [data-role=Catcher]`)
      .waitFor({ timeout: FOLLOW_MS });

    await page.getByRole('link', { name: 'Feed' }).click();
    const caught = page.locator(`li.event[data-kind=caught][data-team="${runnerTeam.id}"]`);
    await caught.waitFor();
    await look(page, 'feed');
    await caught.getByRole('button', { name: 'Undo catch' }).click();
    await caught.waitFor({ state: 'detached' });
    const after = await admin.request({ type: 'session.state' }, { session: sessionId });
    expect(standing(after.teams)).toEqual(standing(before.teams));
    await page.getByRole('link', { name: 'Live' }).click();
    for (const team of standing(before.teams))
      await page
        .locator(
          `tr[data-team="${team.id}"]:has([data-role="${team.role}"]):has([data-points="${team.points}"])`,
        )
        .waitFor();
    expect(dash.outside).toEqual([]);
  });

  it('says when it lost its connection and resumes', async () => {
    const page = dash.page;
    await dash.context.setOffline(true);
    await page.locator('[data-link=connecting], [data-link=offline]').waitFor();
    await look(page, 'connection-lost');
    await dash.context.setOffline(false);
    await page.locator('[data-link=online]').waitFor({ timeout: 15_000 });
  });
});
