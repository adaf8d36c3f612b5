import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UPLOADS_FOLDER } from '../../src/server/server.js';
import { closeClients } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait.js';
import { openUpload, type OpenUpload } from '../pictures/support.js';
import { launchChromium } from './support/chromium.js';
import { runnerOnPhone, type GameServer } from './support/game.js';
import { screenshot, type TestPhone } from './support/phones.js';

/**
 * A proof photo whose upload the server answers "not now" stays in the outbox and is sent again: here the
 * player's one upload slot (PICTURE-8) is held by another upload of theirs, so the phone's upload is
 * answered `TOO_MANY_UPLOADS` (429), as a second device or an upload the server has not yet cut off
 * after a tunnel would make it.
 */
describe('a photo upload the server answers "try again"', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let phone: TestPhone;
  let holder: OpenUpload | undefined;
  let holding: ReturnType<typeof setInterval> | undefined;
  let runner: number;
  /** The statuses of the phone's picture uploads, in order. */
  const uploads: number[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    let team: GameServer['teams'][number];
    ({ game, phone, runner: team } = await runnerOnPhone(browser, { uploads: { perLogin: 1 } }));
    runner = team.id;
    phone.context.on('response', (response) => {
      if (new URL(response.url()).pathname === '/pictures') uploads.push(response.status());
    });
    // The same player's other upload, kept alive (a KiB a second) until the test lets it go.
    const { token } = await game.admin.request({ type: 'auth.login', passphrase: team.passphrase });
    holder = openUpload(game.base, token, { kind: 'team', team: runner }, 10 * 1024 * 1024);
    holding = setInterval(() => holder?.send(Buffer.alloc(1024)), 1_000);
    const folder = join(game.server.dataDir, UPLOADS_FOLDER);
    await waitFor(() => readdirSync(folder).length === 1, 5_000, 'the held upload');
  });
  afterAll(async () => {
    clearInterval(holding);
    holder?.destroy();
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('stays queued while the slot is taken, and is stored once it is free', async () => {
    const offer = phone.page.locator('article[data-challenge]').first();
    await offer.getByRole('button', { name: 'Complete' }).click();
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#a37' } })
      .jpeg()
      .toBuffer();
    await phone.page
      .locator('dialog input[type=file]')
      .setInputFiles({ name: 'proof.jpg', mimeType: 'image/jpeg', buffer: photo });
    await phone.page.getByRole('button', { name: 'Send completion' }).click();
    await phone.page.locator('li[data-action=complete][data-state=done]').waitFor();
    // The upload was tried and answered 429: the photo is back in the queue, not refused.
    await waitFor(() => uploads.includes(429), 15_000, 'an upload answered 429');
    await phone.page.locator('li[data-action=photo][data-state=queued]').waitFor();
    expect(await phone.page.locator('li[data-action=photo][data-state=refused]').count()).toBe(0);
    await screenshot(phone.page, 'photo-retry-queued');

    clearInterval(holding);
    holder?.destroy();
    await phone.page.locator('li[data-action=photo][data-state=done]').waitFor({ timeout: 40_000 });
    expect(uploads.at(-1)).toBe(200);
    const team = game.server.server.runtime.current.tables.team.get(runner);
    const completed = team?.periods.filter((p) => p.context.type === 'completed') ?? [];
    expect(completed).toHaveLength(1);
    expect(completed[0]?.pictures).toHaveLength(1);
  });
});
