import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../../helpers/clients.js';
import { launchChromium } from '../support/chromium.js';
import { startGame, startGameServer, type GameServer } from '../support/game.js';
import { linesOf, sticksOut } from '../support/phones.js';
import { logIn, look, openDashboard, type Dashboard } from './dashboard-page.js';

/** A game master following the game day from a phone. */
const PHONE = { width: 390, height: 844 };
const LONG_NAME = 'Zürcher Oberland Herbstausflug der Klasse 4b 2026';
const TABS = ['Live', 'Set-up', 'Feed', 'Photos', 'Catalogue', 'Past games', 'Connections'] as const;

/** How far the live tab's side (the game clock and the scoreboard) would scroll sideways. */
const sideOverflow = (page: Page): Promise<number> =>
  page.locator('.live .side').evaluate((side) => side.scrollWidth - side.clientWidth);

/**
 * The dashboard on a 390×844 phone, with a session whose name is long: every tab fits the screen's width
 * (nothing to scroll sideways, no header control cut off) and the header's buttons keep their text on
 * one line.
 */
describe('the dashboard on a phone', { timeout: 300_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let dash: Dashboard;

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau', 'Grün']);
    await game.admin.request({ type: 'session.edit', name: LONG_NAME }, { session: game.session });
    await startGame(game, { catchers: 1 });
    dash = await openDashboard(browser, game.base, PHONE);
    await logIn(dash.page, game.server.adminToken);
    await dash.page.getByLabel('Session').selectOption(String(game.session));
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('fits every tab into the width of a phone, with a long session name', async () => {
    const page = dash.page;
    const found: Record<string, unknown> = {};
    const fits: Record<string, unknown> = {};
    for (const tab of TABS) {
      await page.getByRole('link', { name: tab, exact: true }).click();
      await page.waitForTimeout(300);
      await look(page, `phone-${tab.toLowerCase().replace(' ', '-')}`);
      found[tab] = {
        ...(await sticksOut(page)),
        logOutLines: await linesOf(page.getByRole('button', { name: 'Log out' })),
      };
      fits[tab] = { page: 0, cutOff: [], logOutLines: 1 };
    }
    expect(found).toEqual(fits);
    // The assignment table (below the fold): four columns in the width of the phone.
    await page.getByRole('link', { name: 'Set-up', exact: true }).click();
    await page.locator('table.assign').scrollIntoViewIfNeeded();
    await look(page, 'phone-set-up-assignment');
    await page.getByRole('link', { name: 'Live', exact: true }).click();
    // The scoreboard fits as it is: no column hidden beside the screen.
    expect(await sideOverflow(page)).toBe(0);
    expect(dash.outside).toEqual([]);
  });
});
