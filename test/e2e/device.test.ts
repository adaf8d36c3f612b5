import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../helpers/clients.js';
import { launchChromium } from './support/chromium.js';
import { startGame, startGameServer, type GameServer } from './support/game.js';
import { logIn, openPhone, openTab, screenshot, type TestPhone } from './support/phones.js';

const HB = { latitude: 47.3779, longitude: 8.5403 };
/** Degrees of latitude per metre, near enough. */
const PER_METRE = 1 / 111_195;
const north = (metres: number) => ({ latitude: HB.latitude + metres * PER_METRE, longitude: HB.longitude });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stands in for the phone's battery (headless Chromium has none): at 15 %, not charging. Not our code:
 * the device API the app reads.
 */
const LOW_BATTERY = `Object.defineProperty(navigator, 'getBattery', {
  value: () => Promise.resolve(Object.assign(new EventTarget(), { level: 0.15, charging: false })),
});`;

/** Leaves Chromium's own wake lock in place and records each sentinel, so that the test can see it. */
const RECORD_WAKE_LOCKS = `if ('wakeLock' in navigator) {
  const request = navigator.wakeLock.request.bind(navigator.wakeLock);
  window.__wakeLocks = [];
  navigator.wakeLock.request = async (type) => {
    const sentinel = await request(type);
    window.__wakeLocks.push(sentinel);
    return sentinel;
  };
}`;

describe('the phone’s devices: position, photo upload, battery, screen', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let phone: TestPhone;
  /** When the page sent each `location.send` frame (ms since the test started). */
  const locationFrames: number[] = [];
  const t0 = Date.now();

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau']);
    const started = await startGame(game, { catchers: 1 });
    const runnerId = started.teams.find((t) => t.role === 'Runner')?.id;
    const runner = game.teams.find((t) => t.id === runnerId) as GameServer['teams'][number];
    phone = await openPhone(browser, game.base, { position: HB });
    await phone.context.addInitScript(LOW_BATTERY);
    await phone.context.addInitScript(RECORD_WAKE_LOCKS);
    // What a phone's browser grants a visible page without asking; a test context grants nothing unasked.
    await phone.context.grantPermissions(['geolocation', 'screen-wake-lock'], { origin: game.base });
    phone.page.on('websocket', (socket) =>
      socket.on('framesent', (frame) => {
        if (String(frame.payload).includes('"location.send"')) locationFrames.push(Date.now() - t0);
      }),
    );
    await phone.page.reload();
    await logIn(phone, runner.passphrase);
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('sends a position when moved more than 10 m, at most every 3 s, and not for a 5 m step', async () => {
    await expect.poll(() => locationFrames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await sleep(3_200);
    const before = locationFrames.length;
    // Three moves of 50 m within a second: the first goes at once, the rest wait for the 3 s gap.
    for (const metres of [50, 100, 150]) {
      await phone.moveTo(north(metres));
      await sleep(300);
    }
    await expect.poll(() => locationFrames.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);
    const moves = locationFrames.slice(before - 1);
    for (let i = 1; i < moves.length; i++)
      expect((moves[i] as number) - (moves[i - 1] as number)).toBeGreaterThanOrEqual(2_900);
    await sleep(3_500);
    // A 5 m step is not a move: it waits until 10 s passed since the last send.
    const settled = locationFrames.length;
    const lastSent = locationFrames.at(-1) as number;
    await phone.moveTo(north(155));
    await expect.poll(() => locationFrames.length, { timeout: 15_000 }).toBe(settled + 1);
    expect((locationFrames.at(-1) as number) - lastSent).toBeGreaterThanOrEqual(9_900);
  });

  it('offers the battery saver at 15 %', async () => {
    const offer = phone.page.getByText('Battery at 15 %');
    await offer.waitFor();
    await screenshot(phone.page, 'low-battery-offer');
    await phone.page.locator('.banner').filter({ hasText: 'Battery at 15 %' }).getByRole('button').click();
    await offer.waitFor({ state: 'detached' });
    await openTab(phone.page, 'me');
    expect(await phone.page.getByLabel(/battery saver/i).isChecked()).toBe(true);
  });

  it('keeps the screen on while the toggle is on, and lets it go when turned off', async () => {
    await openTab(phone.page, 'me');
    const toggle = phone.page.getByLabel(/keep the screen on/i);
    const held = () =>
      phone.page.evaluate(
        () =>
          (window as unknown as { __wakeLocks: WakeLockSentinel[] }).__wakeLocks.filter((l) => !l.released)
            .length,
      );
    expect(await held()).toBe(0);
    await toggle.check();
    await expect.poll(held).toBe(1);
    await toggle.uncheck();
    await expect.poll(held).toBe(0);
  });

  it('shows the photo upload’s progress bar until the upload is done', async () => {
    await openTab(phone.page, 'play');
    // A slow uplink, so that the upload takes a few seconds.
    const cdp = await phone.context.newCDPSession(phone.page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 60_000,
    });
    // Noise does not compress: the photo stays a few hundred kB after the app's compression.
    const width = 1600;
    const height = 1200;
    const noise = Buffer.from(
      Array.from({ length: width * height * 3 }, () => Math.floor(Math.random() * 256)),
    );
    const photo = await sharp(noise, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const offer = phone.page.locator('article[data-challenge]').first();
    await offer.getByRole('button', { name: 'Complete' }).click();
    await phone.page
      .locator('dialog input[type=file]')
      .setInputFiles({ name: 'proof.jpg', mimeType: 'image/jpeg', buffer: photo });
    await phone.page.getByRole('button', { name: 'Send completion' }).click();
    const bar = phone.page.locator('li[data-action=photo] progress');
    await bar.waitFor({ timeout: 15_000 });
    // The list is below the fold: the line above the bottom bar shows the upload on every tab.
    await phone.page.locator('.pending-strip progress').waitFor();
    const strip = await phone.page.locator('.pending-strip').boundingBox();
    const nav = await phone.page.locator('nav.bottom').boundingBox();
    expect(strip !== null && nav !== null && strip.y + strip.height <= nav.y + 1).toBe(true);
    await screenshot(phone.page, 'photo-uploading');
    await expect
      .poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await phone.page.locator('li[data-action=photo][data-state=done]').waitFor({ timeout: 60_000 });
    expect(await bar.count()).toBe(0);
    await phone.page.locator('.pending-strip').waitFor({ state: 'detached' });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    expect(phone.outside).toEqual([]);
  });
});
