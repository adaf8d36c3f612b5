import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../../helpers/server.js';

/** Where the screenshots of every screen go (git-ignored test artefacts). */
export const SCREENS_DIR = join(REPO_ROOT, 'test-artifacts', 'screens');

export interface Position {
  readonly latitude: number;
  readonly longitude: number;
}

export interface TestPhone {
  readonly context: BrowserContext;
  page: Page;
  /** Every request a page made to another host than 127.0.0.1 (refused): must stay empty. */
  readonly outside: string[];
  /** Every WebSocket frame the pages received, as text. */
  readonly received: string[];
  /** Every WebSocket frame the pages sent, as text. */
  readonly sent: string[];
  moveTo(position: Position): Promise<void>;
  /** Closes the page and opens the app again in a new one (the phone's storage stays). */
  reopen(): Promise<void>;
}

export interface PhoneOptions {
  readonly position: Position;
  readonly locale?: string;
  readonly colorScheme?: 'light' | 'dark';
  /** The screen (default 390×844). */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/**
 * A phone: a browser context of 390×844 (or `viewport`) with touch, a position, and a guard that refuses (and records)
 * every request to another host than the server's 127.0.0.1 — the app must make none.
 */
export async function openPhone(browser: Browser, base: string, options: PhoneOptions): Promise<TestPhone> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 390, height: 844 },
    deviceScaleFactor: 1,
    hasTouch: true,
    locale: options.locale ?? 'en-GB',
    colorScheme: options.colorScheme ?? 'light',
    geolocation: { ...options.position, accuracy: 8 },
    permissions: ['geolocation'],
  });
  const outside: string[] = [];
  const received: string[] = [];
  const sent: string[] = [];
  const isLocal = (url: string): boolean => {
    const parsed = new URL(url);
    return parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.hostname === '127.0.0.1';
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  context.on('request', (request) => {
    if (!isLocal(request.url())) outside.push(request.url());
  });
  const watch = (page: Page): void => {
    page.on('websocket', (socket) => {
      if (!isLocal(socket.url())) outside.push(socket.url());
      socket.on('framereceived', (frame) => received.push(String(frame.payload)));
      socket.on('framesent', (frame) => sent.push(String(frame.payload)));
    });
  };
  const page = await context.newPage();
  watch(page);
  await page.goto(`${base}/`);
  const phone: TestPhone = {
    context,
    page,
    outside,
    received,
    sent,
    moveTo: (position) => context.setGeolocation({ ...position, accuracy: 8 }),
    reopen: async () => {
      await phone.page.close();
      phone.page = await context.newPage();
      watch(phone.page);
      await phone.page.goto(`${base}/`);
    },
  };
  return phone;
}

/** Logs a phone in with its passphrase and waits for the logged-in app. */
export async function logIn(phone: TestPhone, passphrase: string): Promise<void> {
  await phone.page.getByLabel(/passphrase/i).fill(passphrase);
  await phone.page.getByRole('button', { name: /log in|anmelden/i }).click();
  await phone.page.locator('nav.bottom').waitFor();
}

/** Opens a tab of the bottom bar. */
export async function openTab(page: Page, tab: 'play' | 'map' | 'game' | 'me'): Promise<void> {
  await page.locator(`nav.bottom a[href="#${tab}"]`).click();
}

/** Saves a screenshot of the page as test-artifacts/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: false });
}

/** Waits until the page's service worker is active (then the app starts without a network). */
export async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** axe's findings on the page as it is now, one line each (empty: none). */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * What sticks out of the screen's width: the page's own overflow, and the visible elements whose right
 * edge is past it, except the map's tiles and what a box of its own scrolls sideways on purpose (a wide
 * table in an `overflow-x: auto` box; a page's `main` itself does not count as such a box).
 */
export async function sticksOut(page: Page): Promise<{ page: number; cutOff: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrollsItself = (element: Element): boolean => {
      for (let box = element.parentElement; box !== null && box.tagName !== 'MAIN'; box = box.parentElement)
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return true;
      return false;
    };
    const cutOff = Array.from(document.querySelectorAll('body *'))
      .filter((element) => {
        if (element.closest('.leaflet-container') !== null || scrollsItself(element)) return false;
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && (box.left < -0.5 || box.right > width + 0.5);
      })
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
    return { page: document.documentElement.scrollWidth - width, cutOff: [...new Set(cutOff)].slice(0, 8) };
  });
}

/** How many lines an element's text takes (the distinct tops of its text's line boxes). */
export async function linesOf(element: Locator): Promise<number> {
  return element.evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top))).size;
  });
}
