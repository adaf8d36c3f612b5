import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCatalogue, TABLE_NAMES, writeCatalogueTables } from '../../../src/catalogue-io/index.js';
import type { TruinlagClient } from '../../../src/client/node.js';
import { webApp } from '../../../src/server/web-app.js';
import { FIXTURE_INVALID_ROWS } from '../../catalogue-io/fixture.js';
import { cli, cliJson } from '../../cli-game/support.js';
import {
  closeClients,
  gameWindowIn,
  openClient,
  removeTempDirs,
  startTestServer,
  tempDir,
  type TestServer,
} from '../../helpers/index.js';
import { builtWebApp } from '../../web/built-app.js';
import { launchChromium } from '../support/chromium.js';
import {
  addPlayers,
  addTeam,
  assignPlayer,
  createSession,
  importCount,
  logIn,
  look,
  openDashboard,
  openDashboardTab,
  pickCatalogueFiles,
  rejectedRows,
  setConfig,
  startGame,
  type Dashboard,
} from './dashboard-page.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/zvv-demo/', import.meta.url));
const PLAYERS = ['Anna', 'Beat', 'Chiara', 'Dario', 'Elena', 'Fabio'];
const TEAMS = [
  { name: 'Rot', colour: '#d62828', players: ['Anna', 'Beat'] },
  { name: 'Blau', colour: '#1d4ed8', players: ['Chiara', 'Dario'] },
  { name: 'Grün', colour: '#15803d', players: ['Elena', 'Fabio'] },
];

/**
 * Issue 13's first test: a game master sets up a whole game from an empty server through the browser
 * only — the demo catalogue imported from its four CSV files (dry run first, with the fixture's rejected
 * rows at their lines), a session, 6 players, 3 teams, the assignment, the config, the start — and a
 * client then finds exactly that in the engine.
 */
describe('set-up from empty through the dashboard', { timeout: 300_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let admin: TruinlagClient;
  let dash: Dashboard;

  beforeAll(async () => {
    builtWebApp();
    browser = await launchChromium();
    server = await startTestServer({ staticApp: webApp({ tileUrl: null }) });
    admin = await openClient({ socket: server.socketPath }, { requestTimeoutMs: 60_000 });
    dash = await openDashboard(browser, server.url.replace('ws://', 'http://'));
    await logIn(dash.page, server.adminToken);
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await server?.stop();
    removeTempDirs();
  });

  it('imports the demo catalogue from its CSV files: dry run with the rejected rows first, then apply', async () => {
    const page = dash.page;
    await openDashboardTab(page, 'Catalogue');
    await page.getByRole('button', { name: 'Challenges (0)' }).waitFor();
    const files = TABLE_NAMES.map((table) => join(FIXTURE, `${table}.csv`));
    const dryRun = await pickCatalogueFiles(page, files);

    expect(await rejectedRows(dryRun)).toEqual(FIXTURE_INVALID_ROWS.map((r) => `challenges:${r.line}`));
    for (const row of FIXTURE_INVALID_ROWS)
      await dryRun
        .locator(`table.rejected tr[data-line="${row.line}"]`)
        .getByText(row.reason, { exact: false })
        .waitFor();
    expect(await importCount(dryRun, 'challenges', 'created')).toBe(144);
    expect(await importCount(dryRun, 'challenges', 'rejected')).toBe(10);
    expect(await importCount(dryRun, 'zones', 'created')).toBe(42);
    expect(await importCount(dryRun, 'distances', 'created')).toBe(42 * 42);
    expect(await importCount(dryRun, 'sectors', 'created')).toBe(8);
    expect((await admin.request({ type: 'challenge.list' })).length).toBe(0);
    await look(page, 'catalogue-dry-run');

    await page.getByRole('button', { name: 'Apply the import' }).click();
    await page.locator('.import-progress progress').waitFor();
    const done = page.locator('.import-report[data-dry-run=false]');
    await done.waitFor({ timeout: 120_000 });
    expect(await importCount(done, 'challenges', 'created')).toBe(144);
    expect(await rejectedRows(done)).toEqual(FIXTURE_INVALID_ROWS.map((r) => `challenges:${r.line}`));
    await page.getByRole('button', { name: 'Challenges (144)' }).waitFor();
    await look(page, 'catalogue-imported');
    await page.getByRole('button', { name: 'Close the report' }).click();

    const catalogue = await fetchCatalogue(admin);
    expect([catalogue.challenges.size, catalogue.zones.size, catalogue.sectors.size]).toEqual([144, 42, 8]);
  });

  it('searches the challenges by title, kind and zone, and lists the zones and sectors', async () => {
    const page = dash.page;
    const challenges = [...(await fetchCatalogue(admin)).challenges.values()];
    const shown = page.locator('table.challenges tbody tr');
    const browse = page.getByRole('region', { name: 'Browse' });
    await browse.getByLabel('Title or place').fill('Kyburg');
    await expect.poll(() => shown.allTextContents()).toEqual([expect.stringContaining('Kyburg')]);
    await browse.getByLabel('Title or place').fill('');
    await browse.getByRole('combobox', { name: /^Kind/ }).selectOption('ZKaff');
    const zKaffs = challenges.filter((c) => c.kind === 'ZKaff').length;
    await expect.poll(() => shown.count()).toBe(zKaffs);
    expect(zKaffs).toBe(24);
    await browse.getByRole('combobox', { name: /^Kind/ }).selectOption('');
    await browse.getByRole('combobox', { name: /^Zone/ }).selectOption('121');
    const zone121 = (await fetchCatalogue(admin)).zones;
    const id121 = [...zone121.values()].find((z) => z.number === 121)?.id;
    await expect
      .poll(() => shown.count())
      .toBe(challenges.filter((c) => c.zones.includes(id121 ?? -1)).length);
    await browse.scrollIntoViewIfNeeded();
    await look(page, 'catalogue-browse');
    await page.getByRole('button', { name: 'Zones (42)' }).click();
    await expect.poll(() => page.locator('tr[data-zone]').count()).toBe(42);
    await page.getByRole('button', { name: 'Sectors (8)' }).click();
    await expect.poll(() => page.locator('tr[data-sector]').count()).toBe(8);
    await expect(page.locator('tr[data-sector=C] td').textContent()).resolves.toBe('HLNORW');
  });

  it('[CATALOGUE-12] shows a challenge the CLI adds, and drops it when the CLI deletes it, without a click', async () => {
    const page = dash.page;
    await page.getByRole('button', { name: /^Challenges \(/ }).click();
    const browse = page.getByRole('region', { name: 'Browse' });
    await browse.getByLabel('Title or place').fill('Live vom Terminal');
    const shown = page.locator('table.challenges tbody tr');
    await expect.poll(() => shown.count()).toBe(0);
    const before = (await fetchCatalogue(admin)).challenges.size;
    const file = join(tempDir(), 'challenge.json');
    writeFileSync(
      file,
      JSON.stringify({ kind: 'Unspezifisch', status: 'ToSort', title: 'Live vom Terminal' }),
    );
    const added = await cliJson<{ id: number }>(server.socketPath, ['challenge', 'add', '--file', file]);
    await shown.filter({ hasText: 'Live vom Terminal' }).waitFor();
    await page.getByRole('button', { name: `Challenges (${before + 1})` }).waitFor();
    await look(page, 'catalogue-live');
    const deleted = await cli(server.socketPath, ['challenge', 'delete', String(added.id)]);
    expect(deleted.code).toBe(0);
    await page.getByRole('button', { name: `Challenges (${before})` }).waitFor();
    await expect.poll(() => shown.count()).toBe(0);
    await browse.getByLabel('Title or place').fill('');
  });

  it('previews a hand for a zone and a time, each offer with its points breakdown', async () => {
    const page = dash.page;
    const preview = page.getByRole('region', { name: 'Preview a hand' });
    await preview.getByLabel('Zone').selectOption({ label: '110' });
    await preview.getByRole('button', { name: 'Preview' }).click();
    const offers = preview.locator('ol.offers > li');
    await offers.first().waitFor();
    await offers.first().locator('summary').click();
    await look(page, 'catalogue-preview');
    for (const [i, offer] of (await offers.all()).entries()) {
      if (i > 0) await offer.locator('summary').click();
      const total = offer.locator('tr[data-term="= points"] td').first();
      expect(await total.textContent()).toBe(await offer.getAttribute('data-points'));
    }
  });

  it('exports the four tables as the CLI’s writer writes them', async () => {
    const page = dash.page;
    await page.getByRole('button', { name: 'Export the catalogue' }).click();
    const written = writeCatalogueTables(await fetchCatalogue(admin));
    for (const table of TABLE_NAMES) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: `${table}.csv` }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${table}.csv`);
      expect(readFileSync(await download.path(), 'utf8')).toBe(written[table]);
    }
  });

  it('sets up and starts a game: session, 6 players, 3 teams, assignment, config', async () => {
    const page = dash.page;
    await openDashboardTab(page, 'Set-up');
    await createSession(page, 'Züri');
    const passphrases = await addPlayers(page, PLAYERS);
    expect([...passphrases.keys()]).toEqual(PLAYERS);
    for (const team of TEAMS) await addTeam(page, team.name, team.colour);
    for (const team of TEAMS) for (const player of team.players) await assignPlayer(page, player, team.name);
    await page.getByRole('list', { name: 'Teams' }).getByText('Grün (2)').waitFor();
    const session = (await admin.request({ type: 'session.list' }))[0];
    const window = gameWindowIn(session?.timeZone ?? 'Europe/Zurich');
    await setConfig(page, 'numCatchers', '1');
    await setConfig(page, 'startTime', window.startTime);
    await setConfig(page, 'endTime', window.endTime);
    await page.locator('[data-field=endTime].overridden').waitFor();
    await startGame(page);

    const state = await admin.request({ type: 'session.state' }, { session: session?.id as number });
    expect(state.game).not.toBeNull();
    expect(state.teams.map((t) => [t.name, t.players.length])).toEqual(TEAMS.map((t) => [t.name, 2]));
    const nameOf = new Map(state.players.map((p) => [p.id, p.name]));
    expect(state.teams.map((t) => t.players.map((id) => nameOf.get(id)).sort())).toEqual(
      TEAMS.map((t) => [...t.players].sort()),
    );
    expect(state.teams.filter((t) => t.role === 'Catcher')).toHaveLength(1);
    const imported = new Set((await fetchCatalogue(admin)).challenges.keys());
    for (const runner of state.teams.filter((t) => t.role === 'Runner')) {
      expect(runner.offers.length).toBeGreaterThan(0);
      for (const offer of runner.offers) expect(imported.has(offer.challengeId)).toBe(true);
    }
    const config = await admin.request({ type: 'config.get' }, { session: session?.id as number });
    expect(config.overrides).toMatchObject({ numCatchers: 1, ...window });
    // A login card's passphrase opens that player's phone, in that team.
    const phone = await openClient({ url: server.url });
    const { player } = await phone.login(passphrases.get('Anna') as string);
    expect(player.team).toBe(state.teams.find((t) => t.name === 'Rot')?.id);
    expect(dash.outside).toEqual([]);
  });
});
