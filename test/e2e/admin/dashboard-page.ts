import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, screenshot } from '../support/phones.js';

/** The game master's laptop: 1280×800, the dashboard at /admin. */
export interface Dashboard {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request to another host than 127.0.0.1 (refused): must stay empty. */
  readonly outside: string[];
}

/**
 * Opens the dashboard in a window (default the laptop's 1280×800) that refuses and records requests to
 * any other host.
 */
export async function openDashboard(
  browser: Browser,
  base: string,
  viewport = { width: 1280, height: 800 },
): Promise<Dashboard> {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
      return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(`${base}/admin`);
  return { context, page, outside };
}

/** Saves the screen as test-artifacts/screens/admin-<name>.png and checks it with axe. */
export async function look(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await screenshot(page, `admin-${name}`);
  expect(await axeViolations(page), name).toEqual([]);
}

/** Sets one config field the way a game master does: type, leave the field. */
export async function setConfig(page: Page, field: string, value: string): Promise<void> {
  const input = page.locator(`[data-field="${field}"] input`);
  await input.fill(value);
  await input.press('Tab');
}

/** Milliseconds until `locator` is there (waits at most `timeout`). */
export async function msUntil(wait: () => Promise<void>): Promise<number> {
  const from = Date.now();
  await wait();
  return Date.now() - from;
}

/** Logs the dashboard in with a game master's token and waits until it is connected. */
export async function logIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Game master token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-link=online]').waitFor();
}

/** Opens one of the dashboard's tabs by its link. */
export async function openDashboardTab(
  page: Page,
  name: 'Live' | 'Set-up' | 'Feed' | 'Catalogue',
): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
}

/** Picks files in the Catalogue tab's import and waits for the dry run's report. */
export async function pickCatalogueFiles(page: Page, files: readonly string[]): Promise<Locator> {
  await page.getByLabel(/^CSV tables/).setInputFiles([...files]);
  const report = page.locator('.import-report[data-dry-run=true]');
  await report.waitFor({ timeout: 60_000 });
  return report;
}

/** One count of an import report's table: `kind` (challenges, zones, …), `count` (created, rejected, …). */
export async function importCount(report: Locator, kind: string, count: string): Promise<number> {
  return Number(await report.locator(`tr[data-kind=${kind}] [data-count=${count}]`).textContent());
}

/** The rejected rows an import report lists, as `file:line`. */
export async function rejectedRows(report: Locator): Promise<string[]> {
  return report
    .locator('table.rejected tbody tr')
    .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-table')}:${r.getAttribute('data-line')}`));
}

/** Creates a session in the Set-up tab and waits until it is shown. */
export async function createSession(page: Page, name: string): Promise<void> {
  await page.getByLabel('Session name').fill(name);
  await page.getByRole('button', { name: 'Create session' }).click();
  await page.getByRole('heading', { name: 'Players' }).waitFor();
}

/** Adds players with generated passphrases; returns each one's passphrase from its login card. */
export async function addPlayers(page: Page, names: readonly string[]): Promise<Map<string, string>> {
  const cards = page.locator('.card');
  const first = await cards.count();
  for (const [i, name] of names.entries()) {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Add player' }).click();
    await cards.nth(first + i).waitFor();
  }
  const passphrases = new Map<string, string>();
  for (const card of (await cards.all()).slice(first))
    passphrases.set(
      (await card.locator('strong').textContent()) ?? '',
      (await card.locator('code').textContent()) ?? '',
    );
  return passphrases;
}

/** Adds a team with a name and a colour (`#rrggbb`). */
export async function addTeam(page: Page, name: string, colour: string): Promise<void> {
  await page.getByLabel('Team name').fill(name);
  await page.getByLabel('Colour').fill(colour);
  await page.getByRole('button', { name: 'Add team' }).click();
  await page.getByRole('list', { name: 'Teams' }).getByText(name).waitFor();
}

/** Puts a player into a team with the assignment table's picker. */
export async function assignPlayer(page: Page, player: string, team: string): Promise<void> {
  await page.getByLabel(`Team of ${player}`).selectOption({ label: team });
}

/** Starts the game through its confirmation and waits until it runs. */
export async function startGame(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start the game' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Pause the game' }).waitFor();
}
