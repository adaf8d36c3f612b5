import type { Browser, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../helpers/clients.js';
import { launchChromium } from './support/chromium.js';
import { completionsOf, startGame, startGameServer, type GameServer } from './support/game.js';
import { logIn, openPhone, screenshot, type TestPhone } from './support/phones.js';

const HB = { latitude: 47.3779, longitude: 8.5403 };

interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly client?: string;
  readonly command?: { readonly type: string };
}

/**
 * The worst moment of a tunnel: the completion reached the server and was applied, but its answer never
 * reached the phone, and the app was closed before it heard anything. Reopened, the app sends the stored
 * action again under the same device client id and request id, and the server answers with the first
 * answer instead of applying it twice (IDEMPOTENCY-1, IDEMPOTENCY-4).
 */
describe('[IDEMPOTENCY-4] a completion whose answer was lost', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let phone: TestPhone;
  let runner: number;
  /** What the app sent through the route below, in order. */
  const sentFrames: Frame[] = [];
  let dropAnswers = true;
  let dropped: string | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau']);
    const started = await startGame(game, { catchers: 1 });
    runner = started.teams.find((t) => t.role === 'Runner')?.id as number;
    phone = await openPhone(browser, game.base, { position: HB });
    await logIn(phone, game.teams.find((t) => t.id === runner)?.passphrase as string);
    // From the next page on, the app's socket runs through this relay, which loses the completion's answer.
    await phone.context.routeWebSocket(
      (url) => url.protocol === 'ws:',
      (ws: WebSocketRoute) => {
        const server = ws.connectToServer();
        let completion: string | undefined;
        ws.onMessage((message) => {
          const frame = JSON.parse(String(message)) as Frame;
          sentFrames.push(frame);
          if (frame.command?.type === 'complete') completion = frame.id;
          server.send(message);
        });
        server.onMessage((message) => {
          const frame = JSON.parse(String(message)) as Frame;
          if (dropAnswers && frame.id !== undefined && frame.id === completion) {
            dropped = frame.id;
            return;
          }
          ws.send(message);
        });
      },
    );
    await phone.reopen();
    await phone.page.getByRole('heading', { name: 'Your challenges' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  const completions = (): number => completionsOf(game, runner);

  it('is applied once although the app sent it twice: the second time it gets the first answer', async () => {
    await phone.page
      .locator('article[data-challenge]')
      .first()
      .getByRole('button', { name: 'Complete' })
      .click();
    await phone.page.getByRole('button', { name: 'Send completion' }).click();
    await expect.poll(() => dropped, { timeout: 10_000 }).toBeDefined();
    expect(completions()).toBe(1);
    await phone.page.locator('li[data-action=complete][data-state=sent]').waitFor();
    await screenshot(phone.page, 'answer-lost-sent');

    // The app is closed while it waits; reopened, with the answers getting through again.
    dropAnswers = false;
    await phone.reopen();
    await phone.page.locator('li[data-action=complete][data-state=done]').waitFor({ timeout: 10_000 });
    expect(completions()).toBe(1);
    const events = await game.admin.request({ type: 'event.list' }, { session: game.session });
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);

    // The same action, sent twice under one request id, by one device client id.
    const sends = sentFrames.filter((f) => f.command?.type === 'complete');
    expect(sends.map((f) => f.id)).toEqual([dropped, dropped]);
    const hellos = sentFrames.filter((f) => f.type === 'hello').map((f) => f.client);
    expect(hellos.length).toBeGreaterThanOrEqual(2);
    expect(new Set(hellos).size).toBe(1);
    expect(phone.outside).toEqual([]);
  });
});
