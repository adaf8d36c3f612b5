import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../helpers/clients.js';
import { launchChromium } from './support/chromium.js';
import { completionsOf, runnerOnPhone, type GameServer } from './support/game.js';
import { screenshot, serviceWorkerReady, type TestPhone } from './support/phones.js';

describe('a completion in a tunnel', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let phone: TestPhone;
  let runner: number;

  beforeAll(async () => {
    browser = await launchChromium();
    ({
      game,
      phone,
      runner: { id: runner },
    } = await runnerOnPhone(browser));
    await serviceWorkerReady(phone.page);
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  const completions = (): number => completionsOf(game, runner);

  it('is stored while offline and survives a reload and a closed app', async () => {
    await phone.context.setOffline(true);
    await phone.page.locator('.link.offline').waitFor();
    await phone.page
      .locator('article[data-challenge]')
      .first()
      .getByRole('button', { name: 'Complete' })
      .click();
    await phone.page.getByRole('button', { name: 'Send completion' }).click();
    const queued = (): Promise<void> =>
      phone.page.locator('li[data-action=complete][data-state=queued]').waitFor();
    await queued();
    await phone.page.locator('.pending-strip', { hasText: '1 action waits for the network' }).waitFor();
    await screenshot(phone.page, 'offline-queued');

    await phone.page.reload();
    await phone.page.getByRole('heading', { name: 'Your challenges' }).waitFor();
    await queued();

    await phone.reopen();
    await phone.page.getByRole('heading', { name: 'Your challenges' }).waitFor();
    await phone.page.getByText(/Last known state/).waitFor();
    await queued();
    await screenshot(phone.page, 'offline-cold-start');
    expect(completions()).toBe(0);
  });

  it('takes effect exactly once after the tunnel, shown done within 2 s, resuming from the stored positions', async () => {
    const sentBefore = phone.sent.length;
    const back = Date.now();
    await phone.context.setOffline(false);
    await phone.page.locator('li[data-action=complete][data-state=done]').waitFor({ timeout: 5_000 });
    const elapsed = Date.now() - back;
    expect(elapsed).toBeLessThanOrEqual(2_000);
    await phone.page.locator('.pending-strip').waitFor({ state: 'detached' });
    expect(completions()).toBe(1);
    const events = await game.admin.request({ type: 'event.list' }, { session: game.session });
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);

    const frames = phone.sent
      .slice(sentBefore)
      .map(
        (f) => JSON.parse(f) as { type: string; since?: Record<string, number>; command?: { type: string } },
      );
    // The stored positions: the session's stream had broadcasts (the game's start) before the tunnel.
    const since = frames.find((f) => f.type === 'hello')?.since ?? {};
    expect(Object.keys(since).sort()).toEqual([String(game.session), 'global'].sort());
    expect(since[String(game.session)]).toBeGreaterThan(0);
    expect(frames.filter((f) => f.command?.type === 'session.state')).toEqual([]);
    await screenshot(phone.page, 'back-online');
    expect(phone.outside).toEqual([]);
  });
});
