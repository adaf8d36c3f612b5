import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/envelope.js';
import { removeTempDirs, tempDir } from '../helpers/index.js';
import { zurich } from '../game/support/game-day.js';
import { MemoryPeer, RuntimeDriver } from '../game/support/drivers.js';
import { demoCatalogueState, playerOf, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { accepted, fix, HB } from '../game/support/world.js';

/**
 * RESUME-3: a team's location broadcast supersedes its previous one in the broadcast log, so a resuming
 * client gets each team's latest position and every other broadcast, in order.
 */

const open: RuntimeDriver[] = [];
afterEach(async () => {
  for (const driver of open.splice(0)) await driver.close();
  removeTempDirs();
});

type Broadcast = Extract<ServerMessage, { type: 'broadcast' }>;

/** A running game of three teams (one catcher), two connected players each, on a store in `dir`. */
async function startedGame(dir: string): Promise<{ driver: RuntimeDriver; setup: SessionSetup }> {
  const driver = new RuntimeDriver(dir, zurich(9, 0), await demoCatalogueState());
  open.push(driver);
  const setup = await setUpSession(driver, { teams: 3, perTeam: 2, config: { numCatchers: 1 } });
  accepted(await driver.call({ command: { type: 'game.start' }, session: setup.session }));
  return { driver, setup };
}

/** Team `team` reports (through its player `which`) a position `step` × ~110 m north of the main station. */
async function move(
  driver: RuntimeDriver,
  setup: SessionSetup,
  team: number,
  step: number,
  which = 0,
): Promise<void> {
  await driver.advance(60_000);
  const position = { lat: HB.lat + step * 0.001, lon: HB.lon };
  const command = { type: 'location.send', location: fix(position, driver.now()) } as const;
  const reply = await driver.call({ command, session: setup.session, as: playerOf(setup, team, which) });
  expect(reply).toMatchObject({ ok: true, result: { accepted: true } });
}

/** What a game master connecting now gets by resuming from the start of every stream. */
function resumeFromStart(driver: RuntimeDriver): Broadcast[] {
  const late = new MemoryPeer(driver.runtime, `late ${Math.random()}`, { kind: 'admin' }, null);
  driver.runtime.resume(late, {});
  late.close();
  return late.inbox.all.filter((m): m is Broadcast => m.type === 'broadcast');
}

const locationsOf = (frames: Broadcast[], team: number): number[] =>
  frames.flatMap((m) => (m.event.type === 'location' && m.event.team === team ? [m.seq] : []));

describe('[RESUME-3] superseded locations', () => {
  it('a resume after several locations of one team gets only the last one, and every other broadcast in order', async () => {
    const { driver, setup } = await startedGame(tempDir());
    const [first, second] = setup.teams as [number, number];
    for (let step = 1; step <= 4; step++) await move(driver, setup, first, step);
    await move(driver, setup, second, 1);
    accepted(await driver.call({ command: { type: 'ping', text: 'between' } }));
    await move(driver, setup, first, 5);

    const live = driver.admin.inbox.all.filter((m): m is Broadcast => m.type === 'broadcast');
    expect(locationsOf(live, first)).toHaveLength(5);
    const resumed = resumeFromStart(driver);
    const lastOfFirst = locationsOf(live, first).at(-1);
    expect(locationsOf(resumed, first)).toEqual([lastOfFirst]);
    expect(locationsOf(resumed, second)).toEqual(locationsOf(live, second));
    // Everything else, frame for frame, in each stream's order.
    const superseded = new Set(locationsOf(live, first).slice(0, -1));
    const expected = live.filter(
      (m) => !(String(m.session) === String(setup.session) && superseded.has(m.seq)),
    );
    const byStream = (frames: Broadcast[]): Broadcast[] =>
      [...frames].sort((a, b) => String(a.session).localeCompare(String(b.session)) || a.seq - b.seq);
    expect(byStream(resumed)).toEqual(byStream(expected));
    // A client that saw the first two locations gets the rest of the stream, without the superseded ones.
    const seen = locationsOf(live, first)[1] as number;
    const catchingUp = new MemoryPeer(driver.runtime, 'catching up', { kind: 'admin' }, null);
    const globalSeen = Math.max(0, ...live.filter((m) => m.session === null).map((m) => m.seq));
    driver.runtime.resume(catchingUp, { global: globalSeen, [String(setup.session)]: seen });
    const after = catchingUp.inbox.all.filter((m): m is Broadcast => m.type === 'broadcast');
    expect(after.map((m) => m.seq)).toEqual(
      expected.filter((m) => String(m.session) === String(setup.session) && m.seq > seen).map((m) => m.seq),
    );
  });

  it('after a restart, the next location still supersedes the one logged before it', async () => {
    const dir = tempDir();
    const { driver, setup } = await startedGame(dir);
    const [first] = setup.teams as [number];
    await move(driver, setup, first, 1);
    await move(driver, setup, first, 2);
    await driver.close();
    open.splice(open.indexOf(driver), 1);

    const restarted = new RuntimeDriver(dir, driver.now());
    open.push(restarted);
    for (const player of setup.players) restarted.connectPlayer(player, setup.session);
    // The restarted driver's connections number their requests from 1 again: the team's other phone
    // reports, whose ids the first run did not use (a re-used id would get its kept answer, IDEMPOTENCY-1).
    await move(restarted, setup, first, 3, 1);
    const locations = resumeFromStart(restarted).filter((m) => m.event.type === 'location');
    expect(locations).toHaveLength(1);
    // LOCATION-7: the latitude as validation rounded it.
    const lat = Math.round((HB.lat + 0.003) * 1e7) / 1e7;
    expect(locations[0]?.event).toMatchObject({ team: first, location: { lat } });
  });
});
