import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../helpers/clients.js';
import { launchChromium } from './support/chromium.js';
import { startGame, startGameServer, type GameServer } from './support/game.js';
import { logIn, openPhone, openTab, screenshot, type TestPhone } from './support/phones.js';

const HB = { latitude: 47.3779, longitude: 8.5403 };
/** About 1.4 km east of HB. */
const FAR = { latitude: 47.3779, longitude: 8.5593 };
/** About 150 m north of HB. */
const NEAR = { latitude: 47.3792, longitude: 8.5403 };

/** Polls until the condition holds (10 s at most). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('two phones play a game', { timeout: 240_000 }, () => {
  let browser: Browser;
  let game: GameServer;
  let runner: TestPhone;
  let catcher: TestPhone;
  let runnerTeam: { id: number; name: string; passphrase: string };
  let catcherTeam: { id: number; name: string; passphrase: string };

  beforeAll(async () => {
    browser = await launchChromium();
    game = await startGameServer(['Rot', 'Blau']);
    const started = await startGame(game, { catchers: 1, graceMinutes: 10 });
    const catcherId = started.teams.find((t) => t.role === 'Catcher')?.id;
    catcherTeam = game.teams.find((t) => t.id === catcherId) as typeof catcherTeam;
    runnerTeam = game.teams.find((t) => t.id !== catcherId) as typeof runnerTeam;
    runner = await openPhone(browser, game.base, { position: HB });
    catcher = await openPhone(browser, game.base, { position: FAR });
  });
  afterAll(async () => {
    await browser?.close();
    closeClients();
    await game?.server.stop();
  });

  it('both log in and see their role', async () => {
    await screenshot(runner.page, 'login');
    await logIn(runner, runnerTeam.passphrase);
    await logIn(catcher, catcherTeam.passphrase);
    await runner.page.getByRole('heading', { name: 'Your challenges' }).waitFor();
    await catcher.page.getByRole('heading', { name: 'Catch a runner team' }).waitFor();
    await screenshot(runner.page, 'runner-hand');
    await screenshot(catcher.page, 'catcher');
  });

  it('the runner completes a challenge with a photo and the catcher’s scoreboard updates', async () => {
    const offer = runner.page.locator('article[data-challenge]').first();
    const title = (await offer.locator('h2').textContent()) ?? '';
    await offer.getByRole('button', { name: 'Complete' }).click();
    const photo = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    await runner.page
      .locator('dialog input[type=file]')
      .setInputFiles({ name: 'proof.jpg', mimeType: 'image/jpeg', buffer: photo });
    await screenshot(runner.page, 'runner-complete-dialog');
    await runner.page.getByRole('button', { name: 'Send completion' }).click();
    await runner.page.locator('li[data-action=complete][data-state=done]').waitFor();
    await runner.page.locator('li[data-action=photo][data-state=done]').waitFor({ timeout: 30_000 });
    await screenshot(runner.page, 'runner-after-complete');
    const team = game.server.server.runtime.current.tables.team.get(runnerTeam.id);
    const completed = team?.periods.filter((p) => p.context.type === 'completed') ?? [];
    expect(completed.map((p) => (p.context as { title: string }).title)).toEqual([title]);
    expect(completed[0]?.pictures).toHaveLength(1);
    const points = team?.points;
    await openTab(catcher.page, 'game');
    await catcher.page.locator(`li[data-team="${runnerTeam.id}"] [data-points="${points}"]`).waitFor();
    await catcher.page.locator('li[data-feed=completed] img.thumb').waitFor();
    expect(await catcher.page.locator('li[data-feed=completed]').textContent()).toContain(title);
    await screenshot(catcher.page, 'game-scoreboard');
  });

  it('the catcher sees the distance first, and catches within 300 m', async () => {
    await openTab(catcher.page, 'play');
    const card = catcher.page.locator(`article[data-team="${runnerTeam.id}"]`);
    await card.locator('[data-precheck=TEAMS_TOO_FAR]').waitFor();
    expect(await card.textContent()).toMatch(/1\.\d km, (just now|\d min ago) — too far/);
    await catcher.moveTo(NEAR);
    await card.locator('[data-precheck=IN_REACH]').waitFor();
    await screenshot(catcher.page, 'catcher-in-reach');
    await card.getByRole('button', { name: `Catch ${runnerTeam.name}` }).click();
    await screenshot(catcher.page, 'catcher-confirm');
    await catcher.page.getByRole('button', { name: 'Send catch' }).click();
    await catcher.page.locator('li[data-action=catch][data-state=done]').waitFor();
    // Roles swap: the caught team now catches, the catchers run, in their grace period.
    await runner.page.getByRole('heading', { name: 'Catch a runner team' }).waitFor();
    await catcher.page.getByRole('heading', { name: 'Your challenges' }).waitFor();
    await catcher.page.getByRole('timer').first().waitFor();
    await screenshot(catcher.page, 'runner-in-grace');
  });

  it('a catcher never receives the position of a team in its grace period: not on the wire, not on screen', async () => {
    // The teams swapped roles: `catcher` (the phone) now runs, in grace; `runner` (the phone) catches.
    const graceTeam = catcherTeam.id;
    const framesBefore = runner.received.length;
    const graceMove = { latitude: 47.39, longitude: 8.53 };
    await catcher.moveTo(graceMove);
    await until(
      () =>
        game.server.server.runtime.current.tables.team.get(graceTeam)?.location?.lat === graceMove.latitude,
    );
    const newFix = game.server.server.runtime.current.tables.team.get(graceTeam)?.location
      ?.timestamp as number;
    // The engine has it; the catcher's page does not.
    await openTab(runner.page, 'map');
    const legend = runner.page.locator(`ul.legend li[data-team="${graceTeam}"]`);
    await legend.waitFor();
    await screenshot(runner.page, 'map');
    expect(Number((await legend.getAttribute('data-fix-at')) ?? 0)).toBeLessThan(newFix);
    const locationsOf = (frames: readonly string[], team: number): unknown[] =>
      frames
        .map((f) => JSON.parse(f) as { type: string; event?: { type: string; team?: number } })
        .filter((m) => m.type === 'broadcast' && m.event?.type === 'location' && m.event.team === team);
    expect(locationsOf(runner.received.slice(framesBefore), graceTeam)).toEqual([]);
    await openTab(runner.page, 'play');
    await runner.page.locator(`article[data-team="${graceTeam}"] [role=timer]`).waitFor();
    expect(await runner.page.locator(`article[data-team="${graceTeam}"] [data-precheck]`).count()).toBe(0);

    // Once grace is over, the same check sees the team's moves: it can tell.
    await game.admin.request({ type: 'correction.endGrace', team: graceTeam }, { session: game.session });
    await catcher.moveTo(HB);
    await until(() => locationsOf(runner.received.slice(framesBefore), graceTeam).length > 0);
    await openTab(runner.page, 'map');
    await until(async () => Number((await legend.getAttribute('data-fix-at')) ?? 0) > newFix);
  });

  it('makes no request to any other host', () => {
    expect(runner.outside).toEqual([]);
    expect(catcher.outside).toEqual([]);
  });
});
