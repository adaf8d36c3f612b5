import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, screenshot } from '../support/phones.js';

/** The game master's laptop: 1280×800, the dashboard at /admin. */
export interface Dashboard {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request to another host than 127.0.0.1 (refused): must stay empty. */
  readonly outside: string[];
}

/** Opens the dashboard in a 1280×800 window that refuses and records requests to any other host. */
export async function openDashboard(browser: Browser, base: string): Promise<Dashboard> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
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
