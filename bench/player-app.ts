import { WEB_APP_DIR } from '../src/server/web-app.js';
import { closeClients } from '../test/helpers/clients.js';
import { removeTempDirs } from '../test/helpers/temp.js';
import { launchChromium } from '../test/e2e/support/chromium.js';
import { startGameServer } from '../test/e2e/support/game.js';
import { logIn, openPhone, openTab, serviceWorkerReady } from '../test/e2e/support/phones.js';
import { INITIAL_JS_BUDGET_BYTES, initialJs } from '../web/build/initial-js.js';

/** How many actions wait in the outbox when the phone comes back online. */
const QUEUED = 10;
const ROUNDS = 3;

export interface PlayerAppResults {
  /** Milliseconds from "back online" to all queued actions answered, per round. */
  readonly syncMs: readonly number[];
  readonly queued: number;
  readonly initialJsGzipBytes: number;
  readonly budgetBytes: number;
}

/**
 * The player app (issue 10) in headless Chromium against a real server: a phone goes offline, queues 10
 * actions (team renames, between games), comes back online; measured is the time until every one of
 * them shows done. Plus the size of the JavaScript the app loads before its first screen.
 */
export async function playerAppSync(): Promise<PlayerAppResults> {
  const browser = await launchChromium();
  const game = await startGameServer(['Rot', 'Blau']);
  try {
    const phone = await openPhone(browser, game.base, { position: { latitude: 47.3779, longitude: 8.5403 } });
    await logIn(phone, game.teams[0]?.passphrase as string);
    await serviceWorkerReady(phone.page);
    await openTab(phone.page, 'me');
    const syncMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await phone.context.setOffline(true);
      await phone.page.locator('.link.offline').waitFor();
      for (let i = 0; i < QUEUED; i++) {
        await phone.page.getByLabel('Rename your team').fill(`Rot ${round}-${i}`);
        await phone.page.getByRole('button', { name: 'Rename' }).click();
      }
      const queued = phone.page.locator('li[data-action=rename][data-state=queued]');
      while ((await queued.count()) < QUEUED) await phone.page.waitForTimeout(20);
      const back = performance.now();
      await phone.context.setOffline(false);
      await phone.page.waitForFunction(
        () => document.querySelectorAll('li[data-action=rename]:not([data-state=done])').length === 0,
        undefined,
        { timeout: 30_000, polling: 10 },
      );
      syncMs.push(Math.round(performance.now() - back));
    }
    return {
      syncMs,
      queued: QUEUED,
      initialJsGzipBytes: initialJs(WEB_APP_DIR).totalGzipBytes,
      budgetBytes: INITIAL_JS_BUDGET_BYTES,
    };
  } finally {
    await browser.close();
    closeClients();
    await game.server.stop();
    removeTempDirs();
  }
}
