import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/node.js';
import { east, north, onGrid } from '../../game/support/world.js';
import { closeClients, openClient } from '../../helpers/clients.js';
import { found, theOne } from '../../helpers/found.js';
import { launchChromium } from '../support/chromium.js';
import { startGame, startGameServer, type GameServer } from '../support/game.js';
import { logIn, look, openDashboard, type Dashboard } from './dashboard-page.js';

const HB = { lat: 47.3779, lon: 8.5403 };
/** The engine keeps a track point only 10 s after the last one (and 20 m away): a little more. */
const TRACK_STEP_MS = 10_500;
/** Each team's known track: three places 500 m apart, reported one track step after the other. */
const PATHS = {
  Rot: [HB, north(HB, 500), north(HB, 1_000)].map(onGrid),
  Blau: [east(HB, 400), east(HB, 900), east(HB, 1_400)].map(onGrid),
} as const;
type TeamName = keyof typeof PATHS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the replay map shows a team's marker (its data attributes), or null when it shows none. */
async function markerAt(page: Page, team: number): Promise<{ lat: number; lon: number } | null> {
  const marker = page.locator(`[data-replay-map] .team-marker[data-team="${team}"]`);
  if ((await marker.count()) === 0) return null;
  const [lat, lon] = await Promise.all([marker.getAttribute('data-lat'), marker.getAttribute('data-lon')]);
  return { lat: Number(lat), lon: Number(lon) };
}

/**
 * Moves the replay's time slider to the first whole second since the start at or after `at`, as dragging it
 * does (the game ends between two whole seconds: the last one stops at the end), and waits until the map
 * has drawn that moment.
 */
async function replayAt(page: Page, game: { startedAt: number; endedAt: number }, at: number): Promise<void> {
  const from = game.startedAt;
  const seconds = String(Math.ceil((at - from) / 1_000));
  await page.locator('[data-replay-slider]').evaluate((input: HTMLInputElement, value: string) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, seconds);
  const moment = Math.min(from + Number(seconds) * 1_000, game.endedAt);
  await page.locator(`[data-replay-at="${moment}"]`).waitFor();
  // The map draws after the moment is shown (an effect): wait until it shows that moment too.
  await page.locator(`[data-replay-map][data-drawn-at="${moment}"]`).waitFor();
}

/**
 * A past game replayed (issue 13, item 9): two scripted phones move along known tracks and one completes a
 * challenge; after the stop, the dashboard's Past games tab lists the game and replays it — at a chosen
 * moment each team's marker is where its track was then, the events are those until then, and the final
 * standings are the archive's.
 */
describe('the dashboard replays a past game', { timeout: 300_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let dash: Dashboard;
  const sent = new Map<number, { lat: number; lon: number; timestamp: number }[]>();
  let pastGame: number;

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(Object.keys(PATHS));
    await startGame(game, { catchers: 1 });
    const phones = new Map<number, TruinlagClient>();
    for (const team of game.teams) {
      const phone = await openClient({ url: game.server.url });
      await phone.login(team.passphrase);
      phones.set(team.id, phone);
    }
    for (let step = 0; step < 3; step++) {
      if (step > 0) await sleep(TRACK_STEP_MS);
      for (const team of game.teams) {
        const place = found(PATHS[team.name as TeamName][step], `step ${step} of ${team.name}`);
        const timestamp = Date.now();
        const location = { ...place, accuracy: 8, heading: null, speed: null, timestamp };
        const reply = await found(phones.get(team.id), 'phone').request({ type: 'location.send', location });
        expect(reply).toEqual({ accepted: true });
        sent.set(team.id, [...(sent.get(team.id) ?? []), { ...place, timestamp }]);
      }
    }
    const state = await game.admin.request({ type: 'session.state' }, { session: game.session });
    const runner = theOne(state.teams, (t) => t.role === 'Runner', 'the runner team');
    const offer = found(runner.offers[0], 'the runner’s hand');
    await found(phones.get(runner.id), 'runner phone').request({
      type: 'complete',
      team: runner.id,
      challenge: offer.challengeId,
      periodId: runner.periodId,
    });
    // The game master watches the (empty) list while the game ends: it follows the end's broadcast.
    dash = await openDashboard(browser, game.base);
    await logIn(dash.page, game.server.adminToken);
    await dash.page.getByRole('link', { name: 'Past games' }).click();
    await dash.page.getByText('No game has ended yet.').waitFor();
    ({ pastGame } = await game.admin.request({ type: 'game.stop' }, { session: game.session }));
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('lists the past game as it ends and replays it: markers where the tracks were at the chosen moment', async () => {
    const page = dash.page;
    const row = page.locator(`tr[data-past-game="${pastGame}"]`);
    await row.waitFor();
    await look(page, 'past-games');
    await row.getByRole('button', { name: /Replay/ }).click();
    await page.locator('[data-replay-map] .leaflet-container, [data-replay-map].leaflet-container').waitFor();

    const past = await game.admin.request({ type: 'pastGame.get', id: pastGame });
    // A completion or catch may add the team's position at its time: the reported points come first.
    for (const team of past.teams) expect(team.track.slice(0, 3)).toEqual(sent.get(team.id));
    // Between the second and the third report: every team is at its second place.
    const second = (team: number) => found(sent.get(team)?.[1], `second point of ${team}`);
    const chosen = Math.max(...game.teams.map((t) => second(t.id).timestamp)) + 4_000;
    await replayAt(page, past, chosen);
    for (const team of game.teams) {
      const { lat, lon } = second(team.id);
      expect(await markerAt(page, team.id), team.name).toEqual({ lat, lon });
    }
    // The completion came after the last report: not among the events yet.
    await expect(page.locator('li.event[data-kind=completed]').count()).resolves.toBe(0);
    await expect(page.locator('[data-replay-map] .replay-event').count()).resolves.toBe(0);
    await look(page, 'replay');

    // Before anyone reported, no team is on the map.
    await replayAt(page, past, past.startedAt);
    for (const team of game.teams) expect(await markerAt(page, team.id)).toBeNull();
  });

  it('shows the events until the moment and the final standings', async () => {
    const page = dash.page;
    const past = await game.admin.request({ type: 'pastGame.get', id: pastGame });
    await replayAt(page, past, past.endedAt);
    const runner = theOne(past.events, (e) => e.type === 'completed', 'the completion').team;
    await page.locator(`li.event[data-kind=completed][data-team="${runner}"]`).waitFor();
    // And a dot on the map where it happened (the runner had reported its position).
    await expect(page.locator('[data-replay-map] .replay-event-completed').count()).resolves.toBe(1);
    for (const team of game.teams) {
      const last = found(sent.get(team.id)?.at(-1), 'last point');
      expect(await markerAt(page, team.id)).toEqual({ lat: last.lat, lon: last.lon });
    }
    const rows = page.locator('[data-final-standings] tbody tr');
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        id: Number(tr.getAttribute('data-team')),
        points: Number(tr.querySelector('[data-points]')?.getAttribute('data-points')),
        role: tr.querySelector('[data-role]')?.getAttribute('data-role'),
      })),
    );
    const expected = [...past.teams]
      .sort((a, b) => b.points - a.points || b.bounty - a.bounty || a.name.localeCompare(b.name))
      .map((t) => ({ id: t.id, points: t.points, role: t.role }));
    expect(shown).toEqual(expected);
    expect(found(expected[0], 'the winner').points).toBeGreaterThan(0);
    await look(page, 'replay-end');
    expect(dash.outside).toEqual([]);
  });
});
