import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/node.js';
import { TRUINLAG_VERSION } from '../../../src/protocol/version.js';
import { PICTURES_IN_FLIGHT } from '../../../web/admin/src/picture-loader.js';
import { closeClients, openClient } from '../../helpers/clients.js';
import { found, theOne } from '../../helpers/found.js';
import { makeImage, uploaded, uploadHttp } from '../../pictures/support.js';
import { launchChromium } from '../support/chromium.js';
import { startGame, startGameServer, type GameServer } from '../support/game.js';
import { look, openDashboard, type Dashboard } from './dashboard-page.js';

const HB = { lat: 47.3779, lon: 8.5403 };
const position = () => ({ ...HB, accuracy: 8, heading: null, speed: null, timestamp: Date.now() });

/** In the page: the most picture reads that overlapped in time, by the browser's resource timings. */
function maxPicturesInFlight(): number {
  const reads = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) =>
    new URL(e.name).pathname.startsWith('/pictures/'),
  );
  const edges = reads.flatMap((e) => [
    { at: e.startTime, step: 1 },
    { at: e.responseEnd, step: -1 },
  ]);
  // An end and a start at the same moment do not overlap: ends first.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.step));
  return most;
}

/**
 * The game master's review screens (issue 13, items 6 to 8) against a real server and two scripted phones
 * (the client library): a refused catch at the top of the feed and its override, the proof photos by team
 * and period, and the connections.
 */
describe('the dashboard’s refused catches, photos and connections', { timeout: 300_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let dash: Dashboard;
  /** Every picture URL the dashboard asked for. */
  const pictureRequests: string[] = [];
  let phones: Map<string, { client: TruinlagClient; team: number; player: number }>;

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau']);
    await startGame(game, { catchers: 1 });
    phones = new Map();
    const state = await game.admin.request({ type: 'session.state' }, { session: game.session });
    for (const team of game.teams) {
      const client = await openClient({ url: game.server.url }, { appName: `phone-${team.name}` });
      await client.login(team.passphrase);
      const player = found(
        state.players.find((p) => p.team === team.id),
        `the player of ${team.name}`,
      );
      phones.set(team.name, { client, team: team.id, player: player.id });
    }
    dash = await openDashboard(browser, game.base);
    dash.page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/pictures')) pictureRequests.push(r.url());
    });
    await dash.page.getByLabel('Game master token').fill(game.server.adminToken);
    await dash.page.getByRole('button', { name: 'Log in' }).click();
    await dash.page.locator('[data-link=online]').waitFor();
    await dash.page.getByLabel('Session').selectOption(String(game.session));
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  const teamsNow = async () =>
    (await game.admin.request({ type: 'session.state' }, { session: game.session })).teams;

  it('shows a catch refused for a missing location at the top of the feed; the override catches', async () => {
    const teams = await teamsNow();
    const catcher = found(
      teams.find((t) => t.role === 'Catcher'),
      'the catcher',
    );
    const runner = found(
      teams.find((t) => t.role === 'Runner'),
      'the runner',
    );
    const catcherPhone = found(phones.get(catcher.name), 'the catcher’s phone').client;
    // The runners never sent a location: the catch is refused, as before (CATCH-6).
    await expect(
      catcherPhone.request({
        type: 'catch',
        catcher: catcher.id,
        caught: runner.id,
        periodId: catcher.periodId,
        position: position(),
      }),
    ).rejects.toMatchObject({ code: 'TARGET_LOCATION_MISSING' });
    const page = dash.page;
    await page.getByRole('link', { name: 'Feed' }).click();
    const refused = page.locator(
      `li[data-kind=refused][data-catcher="${catcher.id}"][data-caught="${runner.id}"]`,
    );
    await refused.getByText(`${runner.name} has sent no location`).waitFor();
    // At the top: before every entry of the game's log.
    expect(await page.locator('.feed li.event').first().getAttribute('data-kind')).toBe('refused');
    await look(page, 'feed-refused');
    await refused.getByRole('button', { name: `Override: catch ${runner.name}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByText(`${catcher.name} catches ${runner.name} now, without the position check`)
      .waitFor();
    await look(page, 'override-confirmation');
    await dialog.getByRole('button', { name: 'Catch' }).click();
    await refused.waitFor({ state: 'detached' });
    await page.locator(`li.event[data-kind=caught][data-team="${runner.id}"]`).waitFor();
    const after = await teamsNow();
    expect(after.find((t) => t.id === runner.id)?.role).toBe('Catcher');
    expect(after.find((t) => t.id === catcher.id)?.role).toBe('Runner');
  });

  it('shows every proof photo by team and period, read with the token in a header, full size on click', async () => {
    const teams = await teamsNow();
    // The team caught a moment ago has a `caught` period 0; its phone uploads two proof photos to it.
    const caught = found(
      teams.find((t) => t.periods[0]?.context.type === 'caught'),
      'the caught team',
    );
    const phone = found(phones.get(caught.name), 'its phone').client;
    const token = found(phone.token, 'the phone’s token');
    const ids: number[] = [];
    // More photos than may be read at once: the page must queue the rest.
    const sizes = [[640, 480] as const, ...Array.from({ length: 9 }, () => [480, 640] as const)];
    for (const size of sizes) {
      const image = await makeImage('jpeg', size[0], size[1]);
      const answer = await uploadHttp(
        game.base,
        token,
        { kind: 'period', team: caught.id, period: 0 },
        image,
      );
      ids.push(uploaded(answer).id);
    }
    const page = dash.page;
    await page.getByRole('link', { name: 'Photos' }).click();
    const period = page.locator(`section[data-team="${caught.id}"] .period[data-period="0"]`);
    for (const id of ids) await period.locator(`img[data-picture="${id}"]`).waitFor();
    // Streamed: never more pictures in flight at once than the loader allows.
    const overlap = await page.evaluate(maxPicturesInFlight);
    expect(overlap).toBeGreaterThanOrEqual(1);
    expect(overlap).toBeLessThanOrEqual(PICTURES_IN_FLIGHT);
    await look(page, 'photos');
    await period
      .getByRole('button', { name: /full size/ })
      .first()
      .click();
    const full = page.locator(`dialog.photo img[data-full="${ids[0]}"]`);
    await full.waitFor();
    expect(await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([
      640, 480,
    ]);
    await look(page, 'photo-full');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await full.waitFor({ state: 'detached' });
    expect(pictureRequests.length).toBeGreaterThanOrEqual(3);
    expect(pictureRequests.filter((url) => url.includes('token='))).toEqual([]);
  });

  it('[OPS-4] lists the phones’ connections, and follows them live: one that closes, one that connects', async () => {
    const page = dash.page;
    await page.getByRole('link', { name: 'Connections' }).click();
    const open = page.getByRole('table', { name: 'Connected now' });
    for (const [name, phone] of phones) {
      const row = open.locator(`tr[data-player="${phone.player}"]`);
      await row.getByText(`phone-${name} ${TRUINLAG_VERSION}`).waitFor();
      await row.getByText(`Player ${name}`).waitFor();
      await row.getByRole('cell', { name: 'WebSocket' }).waitFor();
    }
    const leaving = found(phones.get('Blau'), 'Blau’s phone');
    leaving.client.close();
    // No click from here on: the server's `connections` notices move the table.
    const ended = page.getByRole('table', { name: 'Ended lately' });
    await ended.locator('tr[data-reason=closed-by-client]').getByText('Player Blau').waitFor();
    await open.locator(`tr[data-player="${leaving.player}"]`).waitFor({ state: 'detached' });
    const blau = theOne(game.teams, (t) => t.name === 'Blau', 'Blau');
    const back = await openClient({ url: game.server.url }, { appName: 'phone-Blau-again' });
    await back.login(blau.passphrase);
    const row = open.locator(`tr[data-player="${leaving.player}"]`);
    await row.getByText(`phone-Blau-again ${TRUINLAG_VERSION}`).waitFor();
    await row.getByText('player', { exact: true }).waitFor();
    // One server: no connection names a node (CLUSTER-24 adds the column on a cluster only).
    for (const table of [open, ended])
      expect(await table.getByRole('columnheader', { name: 'Node' }).count()).toBe(0);
    await look(page, 'connections');
    expect(dash.outside).toEqual([]);
  });
});
