import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../helpers/clients.js';
import { launchChromium } from './support/chromium.js';
import { startGame, startGameServer, type GameServer } from './support/game.js';
import {
  axeViolations,
  linesOf,
  logIn,
  openPhone,
  openTab,
  screenshot,
  sticksOut,
  type TestPhone,
} from './support/phones.js';

const HB = { latitude: 47.3779, longitude: 8.5403 };

/** Saves the screen and checks it with axe, and that nothing sticks out of the phone's width. */
async function look(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await screenshot(page, name);
  expect(await axeViolations(page), name).toEqual([]);
  expect(await sticksOut(page), name).toEqual({ page: 0, cutOff: [] });
}

/**
 * Every screen of the player app, in English on a light phone, in German on a dark one and on a small
 * one: each is saved as a screenshot (test-artifacts/screens), has no axe violation, and nothing on it
 * sticks out of the screen's width.
 */
describe('every screen, light and dark, English and German, small', { timeout: 300_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  const phones: { phone: TestPhone; tag: string; passphrase: string }[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau', 'Grün']);
    const [first, second, third] = game.teams;
    phones.push({
      phone: await openPhone(browser, game.base, { position: HB, locale: 'en-GB', colorScheme: 'light' }),
      tag: 'en-light',
      passphrase: first?.passphrase as string,
    });
    phones.push({
      phone: await openPhone(browser, game.base, { position: HB, locale: 'de-CH', colorScheme: 'dark' }),
      tag: 'de-dark',
      passphrase: second?.passphrase as string,
    });
    // A small phone (360×640) in German, whose labels are the longest.
    const small = { width: 360, height: 640 };
    phones.push({
      phone: await openPhone(browser, game.base, { position: HB, locale: 'de-CH', viewport: small }),
      tag: 'de-small',
      passphrase: third?.passphrase as string,
    });
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('login and the waiting screen', async () => {
    for (const { phone, tag, passphrase } of phones) {
      await look(phone.page, `${tag}-login`);
      await logIn(phone, passphrase);
      await phone.page.locator('main h1').first().waitFor();
      await look(phone.page, `${tag}-waiting`);
    }
  });

  it('the game screens by role, the map, the game, the player’s own tab', async () => {
    await startGame(game, { catchers: 1 });
    for (const { phone, tag } of phones) {
      const page = phone.page;
      await page.locator('article').first().waitFor();
      const role = (await page.locator('article[data-challenge]').count()) > 0 ? 'runner' : 'catcher';
      await look(page, `${tag}-${role}`);
      await page.locator('article button').first().click();
      await page.locator('dialog[open]').waitFor();
      await look(page, `${tag}-${role}-dialog`);
      await page.keyboard.press('Escape');
      await openTab(page, 'map');
      await page.locator('.leaflet-container').waitFor();
      await look(page, `${tag}-map`);
      await openTab(page, 'game');
      expect(await page.locator('[data-phase]').textContent()).toMatch(
        /^(Normal|Perimeter|ZKaff|Specific|Spezifisch|End game|Endspiel)$/,
      );
      // The phase's name is one word: never broken inside it, also on the small phone.
      expect(await linesOf(page.locator('[data-phase]')), tag).toBe(1);
      await look(page, `${tag}-game`);
      await openTab(page, 'me');
      await look(page, `${tag}-me`);
      await phone.context.setOffline(true);
      await page.locator('.link.offline').waitFor();
      await openTab(page, 'play');
      await look(page, `${tag}-offline`);
      await phone.context.setOffline(false);
    }
  });
});
