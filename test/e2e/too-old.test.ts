import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApp } from '../../src/server/web-app.js';
import { closeClients } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { launchChromium } from './support/chromium.js';
import { startGameServer, type GameServer } from './support/game.js';
import {
  axeViolations,
  logIn,
  openPhone,
  openTab,
  screenshot,
  serviceWorkerReady,
  type TestPhone,
} from './support/phones.js';

const HB = { latitude: 47.3779, longitude: 8.5403 };
/** A minimum no app of this repository reaches: the server refuses it with CLIENT_TOO_OLD (close 4011). */
const FUTURE_MINIMUM = '99.0.0';

/**
 * The server is updated while a phone is out of reach and now needs a newer app (PROTOCOL-7): the app
 * reloads itself to get it, but never while an action waits in its outbox, and only once (a reload that
 * still finds the old app does not loop).
 */
describe('an app the server finds too old', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let updated: TestServer;
  let phone: TestPhone;
  /** Loads of the app's page in the phone's tab (the first load, then every reload). */
  let loads = 0;

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot']);
    phone = await openPhone(browser, game.base, { position: HB });
    phone.page.on('load', () => loads++);
    await logIn(phone, game.teams[0]?.passphrase as string);
    await serviceWorkerReady(phone.page);
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await updated?.stop();
    await game?.server.stop();
  });

  it('waits while an action is pending, then reloads once it is cleared, and only once', async () => {
    const page = phone.page;
    await openTab(page, 'me');
    await phone.context.setOffline(true);
    await page.locator('.link.offline').waitFor();
    await page.getByLabel('Rename your team').fill('Rot-Weiss');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    const pending = page.locator('li[data-action=rename][data-state=queued]');
    await pending.waitFor();

    const port = new URL(game.base).port;
    await game.server.stop();
    updated = await startTestServer({
      dataDir: game.server.dataDir,
      config: { port: Number(port), minClientVersion: FUTURE_MINIMUM },
      staticApp: webApp({ tileUrl: null }),
    });
    const loadsBefore = loads;
    await phone.context.setOffline(false);
    const banner = page.locator('[data-too-old]');
    await banner.getByText(/it updates itself once no action is waiting/).waitFor({ timeout: 15_000 });
    await screenshot(page, 'too-old-waiting');
    expect(await axeViolations(page)).toEqual([]);
    expect(loads).toBe(loadsBefore);

    const reloaded = page.waitForEvent('load');
    await pending.getByRole('button', { name: 'Remove' }).click();
    await reloaded;
    expect(loads).toBe(loadsBefore + 1);
    // The reloaded app is still the old one (no newer was built): it says so instead of reloading again.
    await page.locator('[data-too-old]').getByText('This app is out of date: reload it').waitFor({
      timeout: 15_000,
    });
    await screenshot(page, 'too-old');
    expect(await axeViolations(page)).toEqual([]);
    expect(loads).toBe(loadsBefore + 1);
    expect(phone.outside).toEqual([]);
  });
});
