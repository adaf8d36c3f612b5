import type { Browser, Locator } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../../src/client/client.js';
import { TRUINLAG_VERSION } from '../../../src/protocol/version.js';
import { clusterDataDirs, urlClient, type NodeProcess } from '../../cluster/support/cluster-nodes.js';
import { clusterRunPerTest } from '../../cluster/support/cluster-run.js';
import { startNatsCluster } from '../../cluster/support/nats-cluster.js';
import { holders, startPartsNode } from '../../cluster/support/parts.js';
import { found } from '../../helpers/found.js';
import { CHILD_PROCESS_TEST_MS } from '../../helpers/server.js';
import { builtWebApp } from '../../web/built-app.js';
import { launchChromium } from '../support/chromium.js';
import { sticksOut } from '../support/phones.js';
import { logIn, look, openDashboard, type Dashboard } from './dashboard-page.js';

const run = clusterRunPerTest();
const PHONE = { width: 390, height: 844 };
/** One team of one player per node, its phone connected to that node alone. */
const TEAMS = ['Rot', 'Blau', 'Grün'] as const;

/** The cell of `column` (a header's text) in `row` of `table`. */
async function cellOf(table: Locator, row: Locator, column: string): Promise<Locator> {
  const headers = await table.locator('thead th').allTextContents();
  expect(headers, `the columns of ${await table.getAttribute('aria-label')}`).toContain(column);
  return row.locator('td').nth(headers.indexOf(column));
}

/** Opens the dashboard on `node`, logs in, chooses `session` and opens the Connections tab. */
async function connectionsOn(
  browser: Browser,
  node: NodeProcess,
  token: string,
  session: number,
  viewport?: typeof PHONE,
): Promise<Dashboard> {
  const dash = await openDashboard(browser, node.url.replace('ws://', 'http://'), viewport);
  await logIn(dash.page, token);
  await dash.page.getByLabel('Session').selectOption(String(session));
  await dash.page.getByRole('link', { name: 'Connections', exact: true }).click();
  return dash;
}

/**
 * The game master's Connections tab on a cluster whose parts are owned apart (CLUSTER-24): three nodes on a
 * real NATS cluster, a player's phone on each, the dashboard in headless Chromium on node 1.
 */
describe('the dashboard’s connections on a cluster', { timeout: CHILD_PROCESS_TEST_MS }, () => {
  let browser: Browser | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('[CLUSTER-24] lists the phones of every node, each with its node, live: one that comes to node 2 and one that leaves node 3 show without a click', async () => {
    builtWebApp();
    run.nats = await startNatsCluster(3);
    const natsUrls = run.nats.urls;
    const { dirs, adminToken } = clusterDataDirs(3);
    run.nodes = await Promise.all(dirs.map((dir, i) => startPartsNode(`node-${i + 1}`, dir, natsUrls)));
    const nodes = run.nodes;
    await holders(nodes, ['global'], 60_000);
    const first = found(nodes[0], 'node 1');
    const admin = run.keep(urlClient([first.url], { token: adminToken, clientId: 'setup-admin' }));
    const { id: session } = await admin.request({ type: 'session.add', name: 'Züri' });
    const phones = new Map<string, { client: TruinlagClient; player: number; node: NodeProcess }>();
    // One login at a time: they all come from one address, whose login budget (LIMIT-8) a success gives back.
    for (const [i, name] of TEAMS.entries()) {
      const passphrase = `phone ${i} ${name} passphrase`;
      const player = await admin.request({ type: 'player.add', name: `Player ${name}`, passphrase, session });
      const team = await admin.request({ type: 'team.add', name }, { session });
      await admin.request({ type: 'team.assign', player: player.id, team: team.id }, { session });
      const node = found(nodes[i], `node ${i + 1}`);
      const client = run.keep(
        urlClient([node.url], { clientId: `phone-of-${name}`, appName: `phone-${name}` }),
      );
      await client.login(passphrase);
      phones.set(name, { client, player: player.id, node });
    }

    browser = await launchChromium();
    const laptop = await connectionsOn(browser, first, adminToken, session);
    const page = laptop.page;
    const open = page.getByRole('table', { name: 'Connected now' });
    for (const [name, phone] of phones) {
      const row = open.locator(`tr[data-player="${phone.player}"]`);
      await row.getByText(`phone-${name} ${TRUINLAG_VERSION}`).waitFor();
      await row.getByText(`Player ${name}`).waitFor();
      expect(await (await cellOf(open, row, 'Node')).textContent(), `the node of ${name}’s phone`).toBe(
        phone.node.name,
      );
    }
    expect(await open.getByRole('columnheader', { name: 'Node' }).count()).toBe(1);
    // The game master's own connections (the dashboard and the set-up client) are node 1's.
    const admins = open.locator('tbody tr', { has: page.getByRole('cell', { name: 'admin', exact: true }) });
    expect(await admins.count()).toBe(2);
    for (const row of await admins.all())
      expect(await (await cellOf(open, row, 'Node')).textContent()).toBe('node-1');
    await look(page, 'cluster-connections');

    // A second phone of Rot's player comes to node 2 while the tab is open: node 2 tells the other nodes,
    // node 1 notices its dashboard (OPS-4), which reads the board again — no click.
    const arriving = run.keep(
      urlClient([found(nodes[1], 'node 2').url], { clientId: 'second-phone-of-Rot', appName: 'phone-Rot-2' }),
    );
    await arriving.login('phone 0 Rot passphrase');
    const arrivedRow = open.locator(`tr[data-connection="${arriving.welcome?.connection as string}"]`);
    await arrivedRow.getByText(`phone-Rot-2 ${TRUINLAG_VERSION}`).waitFor({ timeout: 10_000 });
    expect(await (await cellOf(open, arrivedRow, 'Node')).textContent()).toBe('node-2');

    // Grün's phone leaves node 3: its row goes, and it is under “Ended lately” with node-3 — no click.
    const leaving = found(phones.get('Grün'), 'Grün’s phone');
    const leavingId = leaving.client.welcome?.connection as string;
    leaving.client.close();
    const ended = page.getByRole('table', { name: 'Ended lately' });
    const endedRow = ended.locator(`tr[data-connection="${leavingId}"]`);
    await endedRow.getByText('Player Grün').waitFor({ timeout: 10_000 });
    expect(await endedRow.getAttribute('data-reason')).toBe('closed-by-client');
    expect(await (await cellOf(ended, endedRow, 'Node')).textContent()).toBe('node-3');
    await open.locator(`tr[data-player="${leaving.player}"]`).waitFor({ state: 'detached' });
    await look(page, 'cluster-connections-ended');
    expect(laptop.outside).toEqual([]);

    // On a game master's phone: the tables scroll sideways in their own box, nothing runs off the screen.
    const phone = await connectionsOn(browser, first, adminToken, session, PHONE);
    await phone.page
      .getByRole('table', { name: 'Ended lately' })
      .locator(`tr[data-connection="${leavingId}"]`)
      .waitFor();
    await look(phone.page, 'phone-cluster-connections');
    expect(await sticksOut(phone.page)).toEqual({ page: 0, cutOff: [] });
    expect(phone.outside).toEqual([]);
  });
});
