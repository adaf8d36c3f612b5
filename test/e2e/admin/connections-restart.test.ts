import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApp } from '../../../src/server/web-app.js';
import { closeClients, openClient } from '../../helpers/clients.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { tempDir } from '../../helpers/temp.js';
import { builtWebApp } from '../../web/built-app.js';
import { launchChromium } from '../support/chromium.js';
import { logIn, openDashboard, type Dashboard } from './dashboard-page.js';

/** Connections opened and closed before the restart: the board's version climbs well past a new server's. */
const CHURN = 8;

/** The server on `dataDir`, serving the dashboard, on `port` (0: any). */
const serverOn = (dataDir: string, port: number): Promise<TestServer> =>
  startTestServer({ dataDir, staticApp: webApp({ tileUrl: null }), config: { port } });

/**
 * A restarted server's connection board starts again from version 0, lower than the version of the board
 * the dashboard shows: the tab must follow the new server's notices all the same (OPS-4).
 */
describe('the Connections tab across a server restart', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let dash: Dashboard;
  const dataDir = tempDir();

  beforeAll(async () => {
    builtWebApp();
    browser = await launchChromium();
    server = await serverOn(dataDir, 0);
    dash = await openDashboard(browser, server.url.replace('ws://', 'http://'));
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await server?.stop();
  });

  it('[OPS-4] follows the connections of the server that came back, whose board versions start again from 0', async () => {
    const page = dash.page;
    await logIn(page, server.adminToken);
    await page.getByRole('link', { name: 'Connections' }).click();
    const open = page.getByRole('table', { name: 'Connected now' });
    for (let i = 0; i < CHURN; i++)
      (await openClient({ url: server.url }, { appName: `churn-${i}` })).close();
    await page
      .getByRole('table', { name: 'Ended lately' })
      .getByText(`churn-${CHURN - 1}`)
      .waitFor();

    const port = Number(new URL(server.url).port);
    await server.stop();
    await page.locator('[data-link=online]').waitFor({ state: 'detached' });
    server = await serverOn(dataDir, port);
    await page.locator('[data-link=online]').waitFor({ timeout: 15_000 });

    // No click from here on: the new server's notices must move the table.
    const after = await openClient({ url: server.url }, { appName: 'after-restart' });
    await open.getByText('after-restart').waitFor({ timeout: 10_000 });
    after.close();
    await open.getByText('after-restart').waitFor({ state: 'detached', timeout: 10_000 });
    expect(dash.outside).toEqual([]);
  });
});
