import type { Browser, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/node.js';
import type { Player } from '../../../src/protocol/entities.js';
import { webApp } from '../../../src/server/web-app.js';
import {
  closeClients,
  found,
  openClient,
  removeTempDirs,
  startTestServer,
  type TestServer,
} from '../../helpers/index.js';
import { builtWebApp } from '../../web/built-app.js';
import { launchChromium } from '../support/chromium.js';
import { logIn, look, openDashboard, openDashboardTab, type Dashboard } from './dashboard-page.js';

/**
 * The game master takes players out of a session from the Set-up tab's assignment table in one click each
 * (CLUSTER-15): the dashboard takes a player off their team in the session first, then sends the global
 * `player.remove` or `player.edit`, which the server refuses while a team lists the player.
 */
describe(
  '[CLUSTER-15][PLAYER-3][PLAYER-4] moving and removing players from the dashboard',
  { timeout: 300_000 },
  () => {
    let browser: Browser;
    let server: TestServer;
    let admin: TruinlagClient;
    let dash: Dashboard;
    let bern: number;
    let zuri: number;
    let rot: number;
    const ids = new Map<string, number>();
    /** When set, the next `player.remove` the dashboard sends names a player that does not exist. */
    let breakRemoval = false;

    beforeAll(async () => {
      builtWebApp();
      browser = await launchChromium();
      server = await startTestServer({ staticApp: webApp({ tileUrl: null }) });
      admin = await openClient({ socket: server.socketPath });
      bern = (await admin.request({ type: 'session.add', name: 'Bern' })).id;
      zuri = (await admin.request({ type: 'session.add', name: 'Züri' })).id;
      rot = (await admin.request({ type: 'team.add', name: 'Rot' }, { session: zuri })).id;
      for (const name of ['Anna', 'Beat', 'Chiara', 'Dario']) {
        const passphrase = `${name} hat eine lange geheime passphrase`;
        const player = await admin.request({ type: 'player.add', name, passphrase, session: zuri });
        ids.set(name, player.id);
        if (name !== 'Dario')
          await admin.request({ type: 'team.assign', player: player.id, team: rot }, { session: zuri });
      }
      dash = await openDashboard(browser, server.url.replace('ws://', 'http://'));
      await dash.context.routeWebSocket(/.*/, breakingRemovals);
      await logIn(dash.page, server.adminToken);
      await dash.page.getByLabel('Session').selectOption({ label: 'Züri' });
      await openDashboardTab(dash.page, 'Set-up');
    });
    afterAll(async () => {
      await browser?.close();
      closeClients();
      await server?.stop();
      removeTempDirs();
    });

    /** Passes frames on both ways; a `player.remove` while `breakRemoval` is set names no player. */
    function breakingRemovals(page: WebSocketRoute): void {
      const upstream = page.connectToServer();
      page.onMessage((frame) => {
        if (!breakRemoval || typeof frame !== 'string' || !frame.includes('"player.remove"'))
          return upstream.send(frame);
        breakRemoval = false;
        const request = JSON.parse(frame) as { command: { id: number } };
        upstream.send(JSON.stringify({ ...request, command: { ...request.command, id: 999_999 } }));
      });
    }

    const player = async (name: string): Promise<Player> =>
      admin.request({ type: 'player.get', id: found(ids.get(name), name) });
    const members = async (): Promise<number[]> =>
      found(
        (await admin.request({ type: 'team.list' }, { session: zuri })).find((t) => t.id === rot),
        'Rot',
      ).players;
    const row = (name: string) => dash.page.locator('table.assign tbody tr', { hasText: name });
    const confirm = async (action: 'Move' | 'Remove'): Promise<void> =>
      dash.page.getByRole('dialog').getByRole('button', { name: action }).click();

    it('removes a player on a team: off the team, then removed', async () => {
      await dash.page.getByRole('button', { name: 'Remove Anna' }).click();
      await dash.page.getByRole('dialog').getByText('Anna is taken off Rot and leaves the session').waitFor();
      await look(dash.page, 'players-leave-confirm');
      await confirm('Remove');
      await row('Anna').waitFor({ state: 'detached' });
      expect(await player('Anna')).toMatchObject({ removed: true, session: null, team: null });
      expect(await members()).toEqual([ids.get('Beat'), ids.get('Chiara')]);
    });

    it('moves a player on a team to another session, and one on no team to none', async () => {
      await dash.page.getByLabel('Move Beat to').selectOption({ label: 'Bern' });
      await confirm('Move');
      await row('Beat').waitFor({ state: 'detached' });
      expect(await player('Beat')).toMatchObject({ session: bern, team: null, removed: false });
      await dash.page.getByLabel('Move Dario to').selectOption({ label: 'no session' });
      await confirm('Move');
      await row('Dario').waitFor({ state: 'detached' });
      expect(await player('Dario')).toMatchObject({ session: null, team: null });
      expect(await members()).toEqual([ids.get('Chiara')]);
    });

    it('says what was done when the second step is refused: off the team, not removed', async () => {
      breakRemoval = true;
      await dash.page.getByRole('button', { name: 'Remove Chiara' }).click();
      await confirm('Remove');
      const alert = dash.page.getByRole('alert');
      await alert.getByText('Chiara was taken off Rot but could not be removed').waitFor();
      expect(await alert.textContent()).toContain('Put them back on a team below if they stay.');
      await expect.poll(async () => (await player('Chiara')).team).toBeNull();
      expect(await player('Chiara')).toMatchObject({ session: zuri, removed: false });
      await look(dash.page, 'players-leave-refused');
      expect(dash.outside).toEqual([]);
    });
  },
);
