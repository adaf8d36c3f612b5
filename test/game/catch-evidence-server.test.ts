import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TruinlagClient } from '../../src/client/node.js';
import { TruinlagError } from '../../src/client/errors.js';
import { readJournalInput } from '../../src/store/journal-input.js';
import type { FakeClock } from '../../src/runtime/clock.js';
import { closeClients, removeTempDirs, stopTestServers, type TestServer } from '../helpers/index.js';
import {
  adminClient,
  makeWorld,
  playerClient,
  resetCatalogueFlag,
  startAuthServer,
  startGame,
  type TeamView,
} from '../auth/support.js';
import { journalInputs } from '../pictures/support.js';
import { CATCH_CASES, expectCase, reportFix, type CatchCase, type CatchRun } from './support/catch-cases.js';

/**
 * The catch evidence table (CATCH-6) through a real server: players on WebSocket connections, the game
 * master on the Unix socket, one session per case, the server's clock standing still (a FakeClock).
 */
describe('catch evidence through a real server', () => {
  let server: TestServer;
  let clock: FakeClock;
  let admin: TruinlagClient;

  beforeAll(async () => {
    resetCatalogueFlag();
    ({ server, clock } = await startAuthServer());
    admin = await adminClient(server);
  });

  afterAll(async () => {
    closeClients();
    await stopTestServers();
    removeTempDirs();
  });

  async function runCase(c: CatchCase, tag: string): Promise<CatchRun> {
    const world = await makeWorld(admin, tag, 2);
    const session = { session: world.session.id };
    if (c.config !== undefined) await admin.request({ type: 'config.set', changes: c.config }, session);
    const teams = await startGame(admin, world);
    const catcher = teams.find((t) => t.role === 'Catcher') as TeamView;
    const caught = teams.find((t) => t.role === 'Runner') as TeamView;
    const phoneOf = async (team: TeamView): Promise<TruinlagClient> =>
      await playerClient(server, world.passphrases[world.teams.findIndex((t) => t.id === team.id)] as string);
    const [catcherPhone, caughtPhone] = await Promise.all([phoneOf(catcher), phoneOf(caught)]);
    if (c.caught !== undefined)
      await caughtPhone.request({ type: 'location.send', location: reportFix(c.caught, clock.now()) });
    if (c.catcherReport !== undefined)
      await catcherPhone.request({
        type: 'location.send',
        location: reportFix(c.catcherReport, clock.now()),
      });
    const catcherNow = async (): Promise<TeamView> =>
      (await admin.request({ type: 'team.list' }, session)).find((t) => t.id === catcher.id) as TeamView;
    const before = await catcherNow();
    const reply = await (c.as === 'player' ? catcherPhone : admin)
      .request(
        {
          type: 'catch',
          catcher: catcher.id,
          caught: caught.id,
          periodId: 0,
          ...(c.position === undefined ? {} : { position: reportFix(c.position, clock.now()) }),
          ...(c.override === undefined ? {} : { override: c.override }),
        },
        session,
      )
      .then(
        () => ({ ok: true }) as const,
        (error: unknown) => {
          if (!(error instanceof TruinlagError)) throw error;
          return { ok: false, code: error.code, message: error.message, details: error.details } as const;
        },
      );
    const after = await catcherNow();
    return {
      caughtName: caught.name,
      reply,
      catcherLocationBefore: before.location,
      catcherLocationAfter: after.location,
      catcherPeriodPlace: after.periods[0]?.location,
    };
  }

  CATCH_CASES.forEach((c, i) => {
    it(c.title, async () => expectCase(c, await runCase(c, `catch${i}`)));
  });

  it('[CATCH-6][DURABILITY-3] the journal keeps the game master’s override with the catch', () => {
    // The rows' times are not what this reads (journal-input.ts fills a missing clock reading from them).
    const catches = journalInputs(server.dataDir)
      .map((input) => readJournalInput({ at: 0, input }))
      .filter((input) => input.command.type === 'catch');
    const overridden = catches.filter((input) => 'override' in input.command && input.command.override);
    expect(overridden.length).toBe(CATCH_CASES.filter((c) => c.override === true && c.as === 'admin').length);
    for (const input of overridden) expect(input.actor).toEqual({ kind: 'admin' });
  });
});
