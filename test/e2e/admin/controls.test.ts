import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/node.js';
import type { ResultOf } from '../../../src/protocol/commands/index.js';
import { cli, cliJson } from '../../cli-game/support.js';
import { closeClients, found, nextBroadcast, openClient, theOne } from '../../helpers/index.js';
import { launchChromium } from '../support/chromium.js';
import { startGame, startGameServer, type GameServer } from '../support/game.js';
import { look, openDashboard, type Dashboard } from './dashboard-page.js';

type Team = ResultOf<'session.state'>['teams'][number];

/** Far from the middle of the city the map fits at first, so that following a team visibly moves it. */
const NORTH_WEST = { lat: 47.42, lon: 8.46 };
const STATION = { lat: 47.3779, lon: 8.5403 };

const position = (at: { lat: number; lon: number }, agoMs = 0) => ({
  ...at,
  accuracy: 8,
  heading: null,
  speed: null,
  timestamp: Date.now() - agoMs,
});

/**
 * How far (px) a team's marker is from the middle of the map, or null while it is not drawn: read in one
 * go in the page, because the map redraws its markers every second.
 */
function markerOffCentre(page: Page, team: number): Promise<number | null> {
  return page.evaluate((id) => {
    const centre = (e: Element | null) => {
      const r = e?.getBoundingClientRect();
      return r === undefined ? undefined : { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    };
    const m = centre(document.querySelector(`.team-marker[data-team="${id}"]`));
    const c = centre(document.querySelector('[data-map]'));
    return m === undefined || c === undefined ? null : Math.hypot(m.x - c.x, m.y - c.y);
  }, team);
}

async function openTab(page: Page, name: 'Live' | 'Set-up' | 'Feed'): Promise<void> {
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name }).click();
}

/**
 * Every control of the dashboard's existing tabs, used through the page by a game master logged in with
 * her own account (`truinlag gm add Alice`, AUTH-7); each is checked against the engine's state read back
 * with a real client. The phones are scripted clients (the client library), logged in with passphrases.
 */
describe('the dashboard’s controls', { timeout: 300_000 }, () => {
  let game: GameServer;
  let browser: Browser;
  let dash: Dashboard;
  let alice: { id: number; token: string };
  const phones = new Map<number, TruinlagClient>();

  const state = () => game.admin.request({ type: 'session.state' }, { session: game.session });
  const teamNow = async (id: number): Promise<Team> =>
    theOne((await state()).teams, (t) => t.id === id, `team ${id}`);
  const lastAudit = async () => (await game.admin.request({ type: 'audit.list' })).entries.at(-1);
  const byAlice = () => ({ kind: 'gameMaster', gameMaster: alice.id, name: 'Alice' });

  beforeAll(async () => {
    game = await startGameServer(['Rot', 'Blau', 'Grün']);
    alice = await cliJson<{ id: number; token: string }>(game.server.socketPath, ['gm', 'add', 'Alice']);
    await startGame(game, { catchers: 1 });
    for (const team of game.teams) {
      const phone = await openClient({ url: game.server.url });
      await phone.login(team.passphrase);
      phones.set(team.id, phone);
    }
    browser = await launchChromium();
    dash = await openDashboard(browser, game.base);
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  /** The teams by role as the engine has them now: the catcher and the two runners. */
  async function roles(): Promise<{ catcher: Team; runners: Team[] }> {
    const teams = (await state()).teams;
    return {
      catcher: theOne(teams, (t) => t.role === 'Catcher', 'the catcher team'),
      runners: teams.filter((t) => t.role === 'Runner'),
    };
  }

  it('[AUTH-7] logs in with Alice’s own token and names her in the header', async () => {
    const page = dash.page;
    await page.getByLabel('Game master token').fill(alice.token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-link=online]').waitFor();
    await page.getByRole('banner').getByText('Game master Alice').waitFor();
    await page.getByLabel('Session').selectOption({ label: 'Züri (running)' });
    await page.locator('.leaflet-container').waitFor();
  });

  it('draws a team’s track, hides it with the toggle, and follows a team on the map', async () => {
    const page = dash.page;
    const runner = found((await roles()).runners[0], 'a runner');
    const phone = found(phones.get(runner.id), 'the runner’s phone');
    await phone.request({ type: 'location.send', location: position(NORTH_WEST, 60_000) });
    await phone.request({
      type: 'location.send',
      location: position({ lat: NORTH_WEST.lat + 0.002, lon: NORTH_WEST.lon + 0.003 }),
    });
    const track = page.locator(`path.team-track-${runner.id}`);
    await track.waitFor();
    const toggle = page.getByLabel('Tracks of the last');
    await toggle.uncheck();
    await track.waitFor({ state: 'detached' });
    await toggle.check();
    await track.waitFor();

    const offCentre = () => markerOffCentre(page, runner.id);
    await expect.poll(offCentre).toBeGreaterThan(50);
    await page.getByLabel('Follow').selectOption({ label: runner.name });
    await expect.poll(offCentre).toBeLessThan(2);
    await look(page, 'live-follow');
    await page.getByLabel('Follow').selectOption({ label: 'nobody' });
  });

  it('pauses and resumes the game, each only once its confirmation is accepted', async () => {
    const page = dash.page;
    await openTab(page, 'Set-up');
    await page.getByRole('button', { name: 'Pause the game' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The game clock stops').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await state()).session.paused).toBe(false);

    await page.getByRole('button', { name: 'Pause the game' }).click();
    await look(page, 'pause-confirmation');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume the game' }).waitFor();
    expect((await state()).session.paused).toBe(true);
    await openTab(page, 'Live');
    await page.locator('[data-game-state]', { hasText: 'paused' }).waitFor();

    await openTab(page, 'Set-up');
    await page.getByRole('button', { name: 'Resume the game' }).click();
    await dialog.getByText('The game clock runs again').waitFor();
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause the game' }).waitFor();
    expect((await state()).session.paused).toBe(false);
    await openTab(page, 'Live');
    await page.locator('[data-game-state]', { hasText: 'running' }).waitFor();
  });

  it('adjusts points and bounty with a reason, deals a new hand and moves a team to a zone', async () => {
    const page = dash.page;
    const runner = found((await roles()).runners[0], 'a runner');
    const offer = found(runner.offers[0], 'an offer in the runner’s hand');
    await found(phones.get(runner.id), 'the runner’s phone').request({
      type: 'complete',
      team: runner.id,
      challenge: offer.challengeId,
      periodId: runner.periodId,
    });
    const before = await teamNow(runner.id);
    await openTab(page, 'Feed');
    const entry = page.locator(`li.event[data-kind=completed][data-team="${runner.id}"]`);
    await entry.getByRole('button', { name: `Correct ${runner.name}` }).click();
    const form = entry.getByRole('group', { name: `Corrections of ${runner.name}` });
    await form.getByLabel('Points ±').fill('5');
    await form.getByLabel('Bounty ±').fill('7');
    await form.getByLabel('Reason').fill('late photo');
    await form.getByRole('button', { name: 'Adjust' }).click();
    await form.getByRole('status').getByText('Adjusted: points +5, bounty +7.').waitFor();
    const adjusted = await teamNow(runner.id);
    expect({ points: adjusted.points, bounty: adjusted.bounty }).toEqual({
      points: before.points + 5,
      bounty: before.bounty + 7,
    });
    expect(await lastAudit()).toMatchObject({
      command: 'correction.adjust',
      by: byAlice(),
      params: { team: runner.id, points: 5, bounty: 7, reason: 'late photo' },
    });
    await look(page, 'feed-correction');

    const dealt = nextBroadcast(game.admin, (b) => b.event.type === 'correction');
    await form.getByRole('button', { name: 'Deal a new hand' }).click();
    await form.getByRole('status').getByText('New hand dealt.').waitFor();
    expect((await dealt).event).toMatchObject({ kind: 'newHand', team: runner.id, by: byAlice() });
    const hand = (await teamNow(runner.id)).offers.map((o) => `${o.title} ${o.points}`);
    await openTab(page, 'Live');
    await expect
      .poll(() =>
        page
          .getByRole('list', { name: `Hand of ${runner.name}` })
          .locator('li')
          .allTextContents(),
      )
      .toEqual(hand);

    const zones = await game.admin.request({ type: 'zone.list' });
    const target = found(
      zones.find((z) => z.id !== adjusted.zoneId),
      'a zone the team is not in',
    );
    await openTab(page, 'Feed');
    await entry.getByRole('button', { name: `Correct ${runner.name}` }).click();
    await form.getByLabel('Zone').selectOption({ label: String(target.number) });
    await form.getByRole('button', { name: 'Move to the zone' }).click();
    await form.getByRole('status').getByText(`Moved to zone ${target.number}.`).waitFor();
    expect((await teamNow(runner.id)).zoneId).toBe(target.id);
    await openTab(page, 'Live');
    await page.locator(`tr[data-team="${runner.id}"] [data-zone="${target.number}"]`).waitFor();
  });

  it('ends the catcher’s grace from the catch in the feed, and says why it cannot end it twice', async () => {
    const page = dash.page;
    const { catcher, runners } = await roles();
    const caught = found(runners[1], 'a second runner');
    const catcherPhone = found(phones.get(catcher.id), 'the catcher’s phone');
    await found(phones.get(caught.id), 'the caught team’s phone').request({
      type: 'location.send',
      location: position(STATION),
    });
    await catcherPhone.request({ type: 'location.send', location: position(STATION) });
    await catcherPhone.request({
      type: 'catch',
      catcher: catcher.id,
      caught: caught.id,
      periodId: catcher.periodId,
      position: position(STATION),
    });
    expect((await teamNow(catcher.id)).graceUntil).not.toBeNull();
    await openTab(page, 'Feed');
    const entry = page.locator(`li.event[data-kind=caught][data-team="${caught.id}"]`);
    await entry.getByRole('button', { name: `Correct ${catcher.name}` }).click();
    const form = entry.getByRole('group', { name: `Corrections of ${catcher.name}` });
    await form.getByRole('button', { name: 'End grace' }).click();
    await form.getByRole('status').getByText('Grace ended.').waitFor();
    expect((await teamNow(catcher.id)).graceUntil).toBeNull();
    await form.getByRole('button', { name: 'End grace' }).click();
    await form.getByRole('status').getByText('not in a grace period').waitFor();
  });

  it('filters the feed by team and by kind', async () => {
    const page = dash.page;
    const events = page.locator('ol.events > li.event');
    const kinds = () => events.evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
    await page.getByLabel('Kind').selectOption({ label: 'catches' });
    await expect.poll(kinds).toEqual(['caught']);
    await page.getByLabel('Kind').selectOption({ label: 'completions' });
    await expect.poll(kinds).toEqual(['completed']);
    await page.getByLabel('Kind').selectOption({ label: 'everything' });
    await expect.poll(async () => new Set(await kinds())).toEqual(new Set(['caught', 'completed', 'note']));

    const rot = theOne(game.teams, (t) => t.name === 'Rot', 'Rot');
    await page.getByLabel('Team').selectOption({ label: rot.name });
    const shown = () =>
      events.evaluateAll((items) =>
        items.map((li) => [li.getAttribute('data-team'), li.getAttribute('data-catcher')]),
      );
    await expect.poll(async () => (await shown()).length).toBeGreaterThan(0);
    for (const [team, by] of await shown()) expect([team, by]).toContain(String(rot.id));
    await page.getByLabel('Team').selectOption({ label: 'every team' });
    await look(page, 'feed-filtered');
  });

  it('[AUTH-7] undoes the catch: the feed and `truinlag audit` name Alice on the correction', async () => {
    const page = dash.page;
    const caughtEntry = page.locator('li.event[data-kind=caught]');
    const caughtTeam = Number(await caughtEntry.getAttribute('data-team'));
    await caughtEntry.getByRole('button', { name: 'Undo catch' }).click();
    await caughtEntry.waitFor({ state: 'detached' });
    const note = page.locator(`li.event[data-note=correction][data-team="${caughtTeam}"]`, {
      hasText: 'by Alice',
    });
    await note.filter({ hasText: 'last catch or completion undone' }).waitFor();
    expect((await teamNow(caughtTeam)).role).toBe('Runner');
    const audit = await cli(game.server.socketPath, ['audit']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/gm Alice\s+correction\.undo/);
    expect(dash.outside).toEqual([]);
  });

  it('[AUTH-7] after a reload the feed still names who started the game and who made each correction', async () => {
    const page = dash.page;
    const notes = page.locator('li.event[data-note=correction]');
    const live = await notes.count();
    await page.reload();
    await page.locator('[data-link=online]').waitFor();
    await page.getByLabel('Session').selectOption({ label: 'Züri (running)' });
    await openTab(page, 'Feed');
    await page
      .locator('li.event[data-note=started]', { hasText: 'The game started — by the owner' })
      .waitFor();
    const corrections = found((await state()).game?.corrections, 'the game’s corrections');
    expect(corrections.length).toBeGreaterThan(0);
    // Each correction once: the snapshot's and the live broadcast's note are one entry.
    await expect.poll(() => notes.count()).toBe(corrections.length);
    expect(live).toBe(corrections.length);
    expect(await notes.filter({ hasText: 'by Alice' }).count()).toBe(corrections.length);
    await notes.filter({ hasText: 'last catch or completion undone' }).first().waitFor();
    await look(page, 'feed-after-reload');
  });

  it('[AUTH-7] stops the game once confirmed: the feed and the past game name Alice as who stopped it', async () => {
    const page = dash.page;
    await openTab(page, 'Set-up');
    await page.getByRole('button', { name: 'Stop the game' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The game ends now for every team').waitFor();
    await look(page, 'stop-confirmation');
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start the game' }).waitFor();
    expect((await state()).game).toBeNull();
    const [past] = await game.admin.request({ type: 'pastGame.list' });
    const archived = await game.admin.request({ type: 'pastGame.get', id: found(past, 'the past game').id });
    expect(archived.endedBy).toEqual(byAlice());
    await openTab(page, 'Feed');
    const ended = page.locator('li.event[data-note=ended]', {
      hasText: 'The game ended (stopped) — by Alice',
    });
    await ended.waitFor();
    // After a reload the ended game's course is still named: its standings are still shown.
    await page.reload();
    await page.locator('[data-link=online]').waitFor();
    await page.getByLabel('Session').selectOption({ label: 'Züri' });
    await openTab(page, 'Feed');
    await ended.waitFor();
    await page.locator('li.event[data-note=started]', { hasText: '— by the owner' }).waitFor();
    const notes = page.locator('li.event[data-note=correction]');
    await expect.poll(() => notes.filter({ hasText: 'by Alice' }).count()).toBe(archived.corrections.length);
    expect(await page.locator('li.event[data-note=ended]').count()).toBe(1);
  });

  it('assigns players by dragging their cards onto teams, and by the pick per player', async () => {
    const page = dash.page;
    const admin = game.admin;
    const session = await admin.request({ type: 'session.add', name: 'Oerlikon', timeZone: 'Europe/Zurich' });
    const on = { session: session.id };
    const ost = await admin.request({ type: 'team.add', name: 'Ost' }, on);
    const west = await admin.request({ type: 'team.add', name: 'West' }, on);
    const player = async (name: string) =>
      admin.request({ type: 'player.add', name, passphrase: `${name} drags along`, session: session.id });
    const anna = await player('Anna');
    const ben = await player('Ben');
    const teamOf = async (id: number) =>
      theOne(await admin.request({ type: 'player.list' }), (p) => p.id === id, `player ${id}`).team;

    await page.getByLabel('Session').selectOption({ label: 'Oerlikon' });
    await openTab(page, 'Set-up');
    const card = (id: number) => page.locator(`.player-card[data-player="${id}"]`);
    const drop = (team: number | 'none') => page.locator(`[data-drop="${team}"]`);
    await card(anna.id).dragTo(drop(ost.id));
    await page.getByRole('list', { name: 'Players of Ost' }).getByText('Anna').waitFor();
    expect(await teamOf(anna.id)).toBe(ost.id);
    await card(ben.id).dragTo(drop(ost.id));
    await page.getByRole('list', { name: 'Teams' }).getByText('Ost (2)').waitFor();
    await card(anna.id).dragTo(drop(west.id));
    await page.getByRole('list', { name: 'Players of West' }).getByText('Anna').waitFor();
    expect(await teamOf(anna.id)).toBe(west.id);
    await look(page, 'setup-drag');
    await card(ben.id).dragTo(drop('none'));
    await page.getByRole('list', { name: 'Players without a team' }).getByText('Ben').waitFor();
    expect(await teamOf(ben.id)).toBeNull();

    await page.getByLabel('Team of Ben').selectOption({ label: 'West' });
    await page.getByRole('list', { name: 'Players of West' }).getByText('Ben').waitFor();
    expect(await teamOf(ben.id)).toBe(west.id);
  });
});
