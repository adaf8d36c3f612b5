import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApp } from '../../src/server/web-app.js';
import { closeClients } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium } from './support/chromium.js';
import { completionsOf, runnerOnPhone, type GameServer } from './support/game.js';
import { screenshot, type TestPhone } from './support/phones.js';

/**
 * A completion sent while the server stops for a restart is answered SHUTTING_DOWN ("not now"): the app
 * keeps it and sends it again once the restarted server is back, so it takes effect once and is never
 * shown as refused.
 */
describe('a completion sent while the server restarts', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let restarted: TestServer | undefined;
  let phone: TestPhone;
  let runner: number;

  beforeAll(async () => {
    browser = await launchChromium();
    ({
      game,
      phone,
      runner: { id: runner },
    } = await runnerOnPhone(browser));
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await restarted?.stop();
    await game?.server.stop();
  });

  /** The error codes of the refusals the phone received. */
  const refusedCodes = (): string[] =>
    phone.received
      .map((text) => JSON.parse(text) as { type?: string; ok?: boolean; error?: { code: string } })
      .filter((frame) => frame.type === 'response' && frame.ok === false)
      .map((frame) => frame.error?.code ?? '');

  it('is kept while the server stops, and takes effect once after it is back', async () => {
    await phone.page
      .locator('article[data-challenge]')
      .first()
      .getByRole('button', { name: 'Complete' })
      .click();
    // The stopping server waits (up to its grace) for picture jobs: requests arriving meanwhile are refused.
    const heavy = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#1e5aa0' } })
      .png()
      .toBuffer();
    for (let i = 0; i < 8; i++)
      void game.admin
        .request({
          type: 'picture.upload',
          target: { kind: 'team', team: runner },
          data: heavy.toString('base64'),
        })
        .catch(() => undefined);
    await game.admin.request({ type: 'server.shutdown' });
    await phone.page.getByRole('button', { name: 'Send completion' }).click();
    await waitFor(() => refusedCodes().includes('SHUTTING_DOWN'), 10_000, 'an answer SHUTTING_DOWN');
    await phone.page.locator('li[data-action=complete][data-state=sent]').waitFor();
    await screenshot(phone.page, 'restart-completion-kept');
    expect(await phone.page.locator('li[data-action=complete][data-state=refused]').count()).toBe(0);
    expect(completionsOf(game, runner)).toBe(0);

    await game.server.stop();
    restarted = await startTestServer({
      dataDir: game.server.dataDir,
      config: { port: Number(new URL(game.base).port) },
      staticApp: webApp({ tileUrl: null }),
    });
    await phone.page.locator('li[data-action=complete][data-state=done]').waitFor({ timeout: 30_000 });
    const team = restarted.server.runtime.current.tables.team.get(runner);
    expect(team?.periods.filter((p) => p.context.type === 'completed')).toHaveLength(1);
  });
});
